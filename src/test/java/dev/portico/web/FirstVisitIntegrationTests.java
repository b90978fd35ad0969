package dev.portico.web;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.portico.support.HttpTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a newcomer meets first, against a running Portico with no password configured: one
 * start-up summary with the URLs, the listeners, the API user and the generated password
 * (which then works); 401 problems that say how to get credentials; and a browser that
 * opens {@code /}, the favicon or the Actuator index gets them without a sign-in dialog.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "spring.config.location=classpath:/no-listeners.yml", "server.address=127.0.0.1",
				"portico.listeners.first-echo.type=echo", "portico.listeners.first-echo.port=0",
				"portico.listeners.first-echo.bind=127.0.0.1", "portico.listeners.first-udp.type=udp",
				"portico.listeners.first-udp.port=0", "portico.listeners.first-udp.bind=127.0.0.1",
				"portico.listeners.first-udp.autostart=false",
				"management.endpoints.web.exposure.include=health,info,metrics,prometheus,listeners" })
@ExtendWith(OutputCaptureExtension.class)
class FirstVisitIntegrationTests {

	private static final Pattern PASSWORD = Pattern.compile("\\n  password +(\\S+) \\(generated for this run only");

	private final HttpClient client = HttpClient.newBuilder()
		.connectTimeout(Duration.ofSeconds(5))
		.followRedirects(HttpClient.Redirect.NORMAL)
		.build();

	@LocalServerPort
	private int port;

	@Test
	void shouldLogOneSummaryWithUrlsListenersUserAndGeneratedPasswordThatWorksWhenReady(CapturedOutput output) {
		String log = output.getAll();
		assertThat(log.split("Portico is ready", -1)).as("one summary").hasSize(2);
		String summary = log.substring(log.indexOf("Portico is ready"));
		String base = "http://127.0.0.1:" + this.port + "/";
		assertThat(summary)
			.contains("HTTP API   " + base + "api", "console    " + base, "actuator   " + base + "actuator")
			.containsPattern("listeners +first-echo +tcp 127\\.0\\.0\\.1:[1-9][0-9]*, type echo, RUNNING")
			.containsPattern("  +first-udp +udp 127\\.0\\.0\\.1:0, type udp, STOPPED")
			.contains("API user   admin");
		Matcher password = PASSWORD.matcher(summary);
		assertThat(password.find()).as("the generated password in the summary").isTrue();
		HttpTestClient operator = new HttpTestClient(this.port).withCredentials("admin", password.group(1));
		assertThat(operator.post("/api/listeners/first-udp/start").statusCode()).isEqualTo(200);
		assertThat(operator.post("/api/listeners/first-udp/stop").statusCode()).isEqualTo(200);
		assertThat(log.split(Pattern.quote(password.group(1)), -1)).as("the password is logged once").hasSize(2);
	}

	@Test
	void shouldSayHowToGetCredentialsAndTellMissingFromRejectedOnesWhenAChangeIsRefused() {
		HttpResponse<String> missing = send("POST", "/api/listeners/first-echo/stop", null, null);
		assertThat(missing.statusCode()).isEqualTo(401);
		assertThat(missing.headers().firstValue("WWW-Authenticate")).hasValue("Basic realm=\"portico\"");
		assertThat(missing.headers().firstValue("Content-Type")).hasValue("application/problem+json");
		assertThat(detail(missing)).contains("the request has none", "start-up summary", "PORTICO_API_PASSWORD",
				"portico.api.username (default admin)");

		HttpResponse<String> wrong = send("POST", "/api/listeners/first-echo/stop", basic("admin", "wrong"), null);
		assertThat(wrong.statusCode()).isEqualTo(401);
		assertThat(detail(wrong)).contains("were not accepted", "changes at every start", "PORTICO_API_PASSWORD")
			.doesNotContain("the request has none");
		HttpResponse<String> wrongUser = send("POST", "/api/listeners/first-echo/stop", basic("root", "wrong"), null);
		assertThat(detail(wrongUser)).as("a wrong user is told apart from a wrong password by nothing")
			.isEqualTo(detail(wrong));

		HttpResponse<String> empty = send("POST", "/api/listeners/first-echo/stop", basic("admin", ""), null);
		assertThat(detail(empty)).contains("empty password", "PORTICO_API_PASSWORD set in this shell");
		HttpResponse<String> garbled = send("POST", "/api/listeners/first-echo/stop", "Basic %%%", null);
		assertThat(detail(garbled)).contains("not valid HTTP Basic");
		HttpResponse<String> bearer = send("POST", "/api/listeners/first-echo/stop", "Bearer abc", null);
		assertThat(detail(bearer)).contains("sent bearer credentials");
	}

	@Test
	void shouldAnswerAPageScriptWithoutBasicChallengeWhenItSaysSo() {
		HttpResponse<String> response = send("DELETE", "/api/listeners/first-echo", null, "XMLHttpRequest");
		assertThat(response.statusCode()).isEqualTo(401);
		assertThat(response.headers().firstValue("WWW-Authenticate")).isEmpty();
		assertThat(detail(response)).contains("start-up summary");
	}

	@Test
	void shouldServeFrontPageFaviconAndActuatorIndexWithoutChallengeWhenABrowserOpensThem() {
		HttpResponse<String> page = send("GET", "/", null, null);
		assertThat(page.statusCode()).isEqualTo(200);
		assertThat(page.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
		assertThat(page.headers().firstValue("WWW-Authenticate")).isEmpty();
		// whatever page / is (this landing page, or the console that replaces it), every
		// page it links to opens without credentials
		List<String> links = Pattern.compile("href=\"([^\"#:]+)\"")
			.matcher(page.body())
			.results()
			.map((match) -> match.group(1).startsWith("/") ? match.group(1) : "/" + match.group(1))
			.toList();
		for (String link : links) {
			HttpResponse<String> linked = send("GET", link, null, null);
			assertThat(linked.statusCode()).as("GET " + link).isEqualTo(200);
		}
		HttpResponse<String> icon = send("GET", "/favicon.ico", null, null);
		assertThat(icon.statusCode()).isEqualTo(200);
		assertThat(icon.headers().firstValue("Content-Type").orElse("")).contains("icon");
		HttpResponse<String> actuator = send("GET", "/actuator", null, null);
		assertThat(actuator.statusCode()).isEqualTo(200);
		assertThat(HttpTestClient.parse(actuator.body()).path("_links").has("health")).isTrue();
		HttpResponse<String> reads = send("GET", "/api/listeners", null, null);
		assertThat(reads.statusCode()).isEqualTo(200);
		assertThat(reads.headers().firstValue("WWW-Authenticate")).isEmpty();
	}

	private static String basic(String user, String password) {
		return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
	}

	private static String detail(HttpResponse<String> response) {
		return HttpTestClient.parse(response.body()).path("detail").asString();
	}

	private HttpResponse<String> send(String method, String path, String authorization, String requestedWith) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
			.timeout(Duration.ofSeconds(20))
			.method(method, BodyPublishers.noBody());
		if (authorization != null) {
			request.header("Authorization", authorization);
		}
		if (requestedWith != null) {
			request.header("X-Requested-With", requestedWith);
		}
		try {
			return this.client.send(request.build(), BodyHandlers.ofString(StandardCharsets.ISO_8859_1));
		}
		catch (IOException ex) {
			throw new AssertionError(method + " " + path, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError(ex);
		}
	}

}
