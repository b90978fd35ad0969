package dev.portico.console;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.logging.Level;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.portico.support.HttpTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The console in a real browser: Debian's Chromium, driven headless through its own
 * chromedriver (nothing is downloaded), against a running Portico whose listeners are on
 * free loopback ports and are reached by real socket clients.
 */
@Tag("browser")
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "server.address=127.0.0.1", "portico.api.password=browser-secret",
				"portico.listeners.echo.port=0", "portico.listeners.echo.bind=127.0.0.1",
				"portico.listeners.multiconn.port=0", "portico.listeners.multiconn.bind=127.0.0.1",
				"portico.listeners.udp.port=0", "portico.listeners.udp.bind=127.0.0.1",
				"portico.listeners.search.port=0", "portico.listeners.search.bind=127.0.0.1" })
class ConsoleBrowserIntegrationTests {

	static final Path CHROMIUM = Path.of("/usr/bin/chromium");

	static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

	static final Path SCREENSHOTS = Path.of("target", "console-screenshots");

	private static final Duration WAIT = Duration.ofSeconds(15);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	/** A copy of the shipped search index, so edits made here never touch config/. */
	private static final Path INDEX = copyIndex();

	private static ChromeDriver driver;

	private static Path profile;

	@LocalServerPort
	private int httpPort;

	private HttpTestClient anonymous;

	private HttpTestClient operator;

	private final List<Socket> sockets = new ArrayList<>();

	@DynamicPropertySource
	static void searchIndex(DynamicPropertyRegistry registry) {
		registry.add("portico.search.data-dir", () -> INDEX.getParent().toString());
	}

	@BeforeAll
	static void startBrowser() throws IOException {
		assertThat(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER))
			.as("The browser tests need Debian's Chromium and its driver at %s and %s: install chromium and "
					+ "chromium-driver (apt-get install -y chromium chromium-driver)", CHROMIUM, CHROMEDRIVER)
			.isTrue();
		profile = Files.createTempDirectory("portico-chromium");
		ChromeOptions options = new ChromeOptions();
		options.setBinary(CHROMIUM.toFile());
		options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
				"--disable-background-networking", "--disable-component-update", "--disable-sync",
				"--disable-dev-shm-usage", "--user-data-dir=" + profile, "--window-size=1280,800");
		LoggingPreferences logging = new LoggingPreferences();
		logging.enable(LogType.BROWSER, Level.ALL);
		options.setCapability(ChromeOptions.LOGGING_PREFS, logging);
		ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
			.usingAnyFreePort()
			.build();
		driver = new ChromeDriver(service, options);
		driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(10));
	}

	@AfterAll
	static void stopBrowser() throws IOException {
		if (driver != null) {
			driver.quit();
		}
		if (profile != null) {
			try (var files = Files.walk(profile)) {
				files.sorted(java.util.Comparator.reverseOrder()).forEach((file) -> file.toFile().delete());
			}
		}
	}

	@BeforeEach
	void openConsole() {
		this.anonymous = new HttpTestClient(this.httpPort);
		this.operator = this.anonymous.withCredentials("admin", "browser-secret");
		desktop();
		driver.get(base());
		// every test starts signed out, as a new tab would
		driver.executeScript("sessionStorage.clear()");
		driver.navigate().refresh();
		await().atMost(WAIT).ignoreExceptions().until(() -> cards().size() == 4 && "Live".equals(text(By.id("live"))));
		browserErrors();
	}

	@AfterEach
	void closeSockets() throws IOException {
		for (Socket socket : this.sockets) {
			socket.close();
		}
		this.sockets.clear();
	}

	@Test
	void shouldShowTheFourListenersLiveWithoutHorizontalScrollAtBothSizes() throws IOException {
		assertThat(cards()).extracting((card) -> card.getDomAttribute("data-listener"))
			.containsExactlyInAnyOrder("echo", "multiconn", "search", "udp");
		for (String name : List.of("echo", "multiconn", "search", "udp")) {
			assertThat(field(name, "state")).isEqualTo("RUNNING");
			assertThat(field(name, "port"))
				.isEqualTo(this.anonymous.json("/api/listeners/" + name).path("port").asString());
		}
		// some traffic for the figures and the charts: each round is echoed, then shown
		int echoPort = port("echo");
		Socket client = connect(echoPort);
		connect(echoPort);
		byte[] chunk = new byte[48 * 1024];
		long sent = 0;
		for (int round = 1; round <= 6; round++) {
			client.getOutputStream().write(chunk, 0, chunk.length * round / 6);
			sent += chunk.length * round / 6;
			readExactly(client.getInputStream(), chunk.length * round / 6);
			long expected = sent;
			await().atMost(WAIT)
				.ignoreExceptions()
				.until(() -> Long.parseLong(fieldValue("echo", "bytes.received")) == expected);
		}
		assertThat(field("echo", "connections.active")).isEqualTo("2");
		assertThat(Double.parseDouble(fieldValue("echo", "rates.bytes.received"))).isPositive();
		assertThat(horizontalOverflow()).as("pixels of horizontal scroll at 1280x800").isZero();
		// keyboard and screen readers: every action is a real button, every input has a
		// label
		assertThat(driver.executeScript("return [...document.querySelectorAll('[data-action]')]"
				+ ".filter((e) => e.tagName !== 'BUTTON').length"))
			.isEqualTo(0L);
		assertThat(driver.executeScript("return [...document.querySelectorAll('input, select, textarea')]"
				+ ".filter((e) => e.labels.length === 0).length"))
			.isEqualTo(0L);
		screenshot("console-1280x800.png");
		click(card("echo"), "connections");
		await().atMost(WAIT)
			.ignoreExceptions()
			.until(() -> driver.findElements(By.cssSelector("#connections [data-connection]")).size() == 2);
		fullPageScreenshot("console-1280-full-page.png");

		phone();
		await().atMost(WAIT).ignoreExceptions().until(() -> viewportWidth() == 390);
		assertThat(horizontalOverflow()).as("pixels of horizontal scroll at 390x844").isZero();
		// the connection table and the forms stack too
		click(card("multiconn"), "connections");
		await().atMost(WAIT).ignoreExceptions().until(() -> driver.findElement(By.id("connections")).isDisplayed());
		assertThat(horizontalOverflow()).as("pixels of horizontal scroll at 390x844 with connections").isZero();
		driver.executeScript("window.scrollTo(0, 0)");
		screenshot("console-390x844.png");
		assertThat(browserErrors()).isEmpty();
	}

	@Test
	void shouldShowThreeNewConnectionsWithinTwoSecondsWithoutAReload() throws IOException {
		driver.executeScript("window.notReloaded = true");
		int before = Integer.parseInt(field("multiconn", "connections.active"));
		int port = port("multiconn");
		for (int i = 0; i < 3; i++) {
			connect(port);
		}
		await().atMost(Duration.ofSeconds(2))
			.ignoreExceptions()
			.pollInterval(Duration.ofMillis(50))
			.until(() -> field("multiconn", "connections.active").equals(Integer.toString(before + 3)));
		assertThat(driver.executeScript("return window.notReloaded === true")).isEqualTo(Boolean.TRUE);
		for (Socket socket : this.sockets) {
			socket.close();
		}
		await().atMost(Duration.ofSeconds(2))
			.ignoreExceptions()
			.pollInterval(Duration.ofMillis(50))
			.until(() -> field("multiconn", "connections.active").equals(Integer.toString(before)));
		assertThat(browserErrors()).isEmpty();
	}

	@Test
	void shouldStopAndStartAListenerAskingForCredentialsOnce() {
		click(card("echo"), "stop");
		signIn("admin", "browser-secret");
		await().atMost(WAIT).ignoreExceptions().until(() -> field("echo", "state").equals("STOPPED"));
		assertThat(this.anonymous.json("/api/listeners/echo").path("state").asString()).isEqualTo("STOPPED");

		click(card("echo"), "start");
		await().atMost(WAIT).ignoreExceptions().until(() -> field("echo", "state").equals("RUNNING"));
		assertThat(dialogOpen()).as("asked for credentials a second time").isFalse();
		assertThat(this.anonymous.json("/api/listeners/echo").path("state").asString()).isEqualTo("RUNNING");
		// kept for the tab only: not in the address, not in storage that outlives the tab
		assertThat(driver.getCurrentUrl()).doesNotContain("browser-secret");
		assertThat(driver.executeScript("return localStorage.length")).isEqualTo(0L);
		assertThat((String) driver.executeScript("return sessionStorage.getItem('portico.credentials')"))
			.contains("admin");
		assertThat(browserErrors()).isEmpty();
	}

	@Test
	void shouldSayPlainlyWhenThePasswordIsWrongAndChangeNothing() {
		click(card("echo"), "stop");
		signIn("admin", "not-the-password");
		await().atMost(WAIT)
			.ignoreExceptions()
			.until(() -> dialogOpen() && driver.findElement(By.id("credentials-error")).isDisplayed());
		assertThat(text(By.id("credentials-error"))).contains("Wrong user name or password");
		assertThat(this.anonymous.json("/api/listeners/echo").path("state").asString()).isEqualTo("RUNNING");
		// the browser's own login dialog never showed: the only error is the refused
		// request itself
		assertThat(browserErrors()).isNotEmpty().allSatisfy((entry) -> assertThat(entry).contains("401"));
		signIn("admin", "browser-secret");
		await().atMost(WAIT).ignoreExceptions().until(() -> field("echo", "state").equals("STOPPED"));
		click(card("echo"), "start");
		await().atMost(WAIT).ignoreExceptions().until(() -> field("echo", "state").equals("RUNNING"));
	}

	@Test
	void shouldCheckCredentialsWhenSigningInFromTheHeader() {
		driver.findElement(By.cssSelector("[data-action='sign-in']")).click();
		signIn("admin", "wrong");
		await().atMost(WAIT)
			.ignoreExceptions()
			.until(() -> dialogOpen() && driver.findElement(By.id("credentials-error")).isDisplayed());
		assertThat(text(By.id("credentials-error"))).contains("Wrong user name or password");
		signIn("admin", "browser-secret");
		await().atMost(WAIT).ignoreExceptions().until(() -> text(By.id("signed-in")).equals("Signed in as admin"));
		click(card("udp"), "stop");
		await().atMost(WAIT).ignoreExceptions().until(() -> field("udp", "state").equals("STOPPED"));
		assertThat(dialogOpen()).isFalse();
		click(card("udp"), "start");
		await().atMost(WAIT).ignoreExceptions().until(() -> field("udp", "state").equals("RUNNING"));
		driver.findElement(By.cssSelector("[data-action='sign-out']")).click();
		assertThat(driver.executeScript("return sessionStorage.getItem('portico.credentials')")).isNull();
	}

	@Test
	void shouldCreateAndDeleteAListenerFromThePage() {
		WebElement form = driver.findElement(By.id("create-form"));
		type(form.findElement(By.name("name")), "made-in-browser");
		new org.openqa.selenium.support.ui.Select(form.findElement(By.name("type"))).selectByValue("multiconn");
		type(form.findElement(By.name("port")), "0");
		type(form.findElement(By.name("bind")), "127.0.0.1");
		form.findElement(By.cssSelector("[data-action='create']")).click();
		signIn("admin", "browser-secret");
		await().atMost(WAIT)
			.ignoreExceptions()
			.until(() -> driver.findElements(By.cssSelector("[data-listener='made-in-browser']")).size() == 1);
		await().atMost(WAIT).ignoreExceptions().until(() -> field("made-in-browser", "state").equals("RUNNING"));
		JsonNode created = this.anonymous.json("/api/listeners/made-in-browser");
		assertThat(created.path("type").asString()).isEqualTo("multiconn");
		assertThat(field("made-in-browser", "port")).isEqualTo(created.path("port").asString());
		assertThat(browserErrors()).isEmpty();

		click(card("made-in-browser"), "delete");
		click(card("made-in-browser"), "confirm-delete");
		await().atMost(WAIT)
			.ignoreExceptions()
			.until(() -> driver.findElements(By.cssSelector("[data-listener='made-in-browser']")).isEmpty());
		assertThat(this.anonymous.get("/api/listeners/made-in-browser").statusCode()).isEqualTo(404);
		assertThat(browserErrors()).isEmpty();

		// the API's own validation message, shown as it is
		type(form.findElement(By.name("name")), "Not A Name");
		form.findElement(By.cssSelector("[data-action='create']")).click();
		await().atMost(WAIT).ignoreExceptions().until(() -> driver.findElement(By.id("create-error")).isDisplayed());
		assertThat(text(By.id("create-error"))).contains("Invalid name 'Not A Name'");
	}

	@Test
	void shouldPushAndBroadcastToARealClientAndCloseIt() throws IOException {
		Socket client = connect(port("multiconn"));
		String remote = "127.0.0.1:" + client.getLocalPort();
		click(card("multiconn"), "connections");
		By row = By.xpath("//tr[@data-connection][td[@data-field='remoteAddress'][contains(., '" + remote + "')]]");
		await().atMost(WAIT).ignoreExceptions().until(() -> !driver.findElements(row).isEmpty());
		type(driver.findElement(By.name("message")), "hello from the console");
		driver.findElement(row).findElement(By.cssSelector("[data-action='push']")).click();
		signIn("admin", "browser-secret");
		assertThat(new String(readExactly(client.getInputStream(), 23), StandardCharsets.UTF_8))
			.isEqualTo("hello from the console\n");

		type(driver.findElement(By.name("message")), "to everyone");
		driver.findElement(By.cssSelector("[data-action='broadcast']")).click();
		assertThat(new String(readExactly(client.getInputStream(), 12), StandardCharsets.UTF_8))
			.isEqualTo("to everyone\n");
		assertThat(browserErrors()).isEmpty();

		driver.findElement(row).findElement(By.cssSelector("[data-action='close-connection']")).click();
		assertThat(client.getInputStream().read()).isEqualTo(-1);
		await().atMost(WAIT).ignoreExceptions().until(() -> driver.findElements(row).isEmpty());
		assertThat(browserErrors()).isEmpty();
	}

	@Test
	void shouldEditASearchEntryThatTheSearchPortThenAnswers() throws IOException {
		int searchPort = port("search");
		assertThat(search(searchPort, "morpheus")).isEqualTo("Follow the white rabbit. \uD83D\uDC30");
		By morpheus = By.cssSelector("[data-entry='morpheus']");
		await().atMost(WAIT).ignoreExceptions().until(() -> !driver.findElements(morpheus).isEmpty());
		driver.findElement(morpheus).findElement(By.cssSelector("[data-action='edit-entry']")).click();
		WebElement form = driver.findElement(By.id("entry-form"));
		type(form.findElement(By.name("value")), "Take the red pill.");
		form.findElement(By.cssSelector("[data-action='save-entry']")).click();
		signIn("admin", "browser-secret");
		await().atMost(WAIT)
			.ignoreExceptions()
			.until(() -> driver.findElement(morpheus)
				.findElement(By.cssSelector("[data-field='value']"))
				.getText()
				.equals("Take the red pill."));
		assertThat(search(searchPort, "morpheus")).isEqualTo("Take the red pill.");

		type(form.findElement(By.name("key")), "neo");
		type(form.findElement(By.name("value")), "The One.");
		form.findElement(By.cssSelector("[data-action='save-entry']")).click();
		await().atMost(WAIT)
			.ignoreExceptions()
			.until(() -> !driver.findElements(By.cssSelector("[data-entry='neo']")).isEmpty());
		assertThat(search(searchPort, "neo")).isEqualTo("The One.");
		driver.findElement(By.cssSelector("[data-entry='neo'] [data-action='delete-entry']")).click();
		await().atMost(WAIT)
			.ignoreExceptions()
			.until(() -> driver.findElements(By.cssSelector("[data-entry='neo']")).isEmpty());
		assertThat(search(searchPort, "neo")).isEqualTo("No match for 'neo'.");
		assertThat(browserErrors()).isEmpty();
		this.operator.putText("/api/search/entries/morpheus", "Follow the white rabbit. \uD83D\uDC30");
	}

	@Test
	void shouldRefuseAChangeAnotherSiteMakesButPassTheConsolesOwn() throws IOException {
		// the console's own change, from its page, passes the cross-site filter
		Object status = driver.executeAsyncScript("""
				const done = arguments[arguments.length - 1];
				fetch('api/search/entries?key=cross-check', { method: 'PUT',
					headers: { 'Content-Type': 'text/plain', 'X-Requested-With': 'XMLHttpRequest',
						'Authorization': 'Basic ' + btoa('admin:browser-secret') }, body: 'same origin' })
					.then((r) => done(r.status), (e) => done(String(e)));
				""");
		assertThat(status).isIn(200L, 201L);
		this.operator.delete("/api/search/entries/cross-check");

		// a page on another site posts a form to Portico, as a cross-site request forgery
		// would
		HttpServer other = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 0), 0);
		String page = "<!doctype html><title>elsewhere</title><form method='post' enctype='text/plain' action='"
				+ base() + "api/listeners/echo/stop'><input name='x' value='y'></form>"
				+ "<script>document.forms[0].submit()</script>";
		other.createContext("/", (exchange) -> {
			byte[] body = page.getBytes(StandardCharsets.UTF_8);
			exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
			exchange.sendResponseHeaders(200, body.length);
			try (OutputStream out = exchange.getResponseBody()) {
				out.write(body);
			}
		});
		other.start();
		try {
			driver.get("http://127.0.0.2:" + other.getAddress().getPort() + "/");
			await().atMost(WAIT)
				.ignoreExceptions()
				.until(() -> driver.findElement(By.tagName("body")).getText().contains("from another site"));
		}
		finally {
			other.stop(0);
		}
		assertThat(this.anonymous.json("/api/listeners/echo").path("state").asString()).isEqualTo("RUNNING");
	}

	// ---- page helpers

	private String base() {
		return "http://127.0.0.1:" + this.httpPort + "/";
	}

	private static List<WebElement> cards() {
		return driver.findElements(By.cssSelector("#listener-list [data-listener]"));
	}

	private static WebElement card(String name) {
		return driver.findElement(By.cssSelector("[data-listener='" + name + "']"));
	}

	private static String field(String listener, String path) {
		return retry(() -> card(listener).findElement(By.cssSelector("[data-field='" + path + "']")).getText());
	}

	private static String fieldValue(String listener, String path) {
		return retry(() -> card(listener).findElement(By.cssSelector("[data-field='" + path + "']"))
			.getDomAttribute("data-value"));
	}

	private static String text(By by) {
		return retry(() -> driver.findElement(by).getText());
	}

	private static void click(WebElement card, String action) {
		card.findElement(By.cssSelector("[data-action='" + action + "']")).click();
	}

	private static void type(WebElement input, String text) {
		input.clear();
		input.sendKeys(text);
	}

	private static boolean dialogOpen() {
		return Boolean.TRUE.equals(driver.executeScript("return document.getElementById('credentials').open"));
	}

	/**
	 * Answer the credentials form, which must be showing (it is asked for by the first
	 * change).
	 */
	private static void signIn(String username, String password) {
		await().atMost(WAIT).ignoreExceptions().until(ConsoleBrowserIntegrationTests::dialogOpen);
		WebElement dialog = driver.findElement(By.id("credentials"));
		type(dialog.findElement(By.name("username")), username);
		type(dialog.findElement(By.name("password")), password);
		dialog.findElement(By.cssSelector("[data-action='submit-credentials']")).click();
	}

	/**
	 * SEVERE entries of the browser's console since the last call (reading them clears
	 * them).
	 */
	private static List<String> browserErrors() {
		List<String> errors = new ArrayList<>();
		for (LogEntry entry : driver.manage().logs().get(LogType.BROWSER)) {
			if (entry.getLevel().intValue() >= Level.SEVERE.intValue()) {
				errors.add(entry.getMessage());
			}
		}
		return errors;
	}

	private static long horizontalOverflow() {
		return (Long) driver.executeScript(
				"return Math.max(0, document.documentElement.scrollWidth - document.documentElement.clientWidth)");
	}

	private static long viewportWidth() {
		return (Long) driver.executeScript("return window.innerWidth");
	}

	private static void desktop() {
		driver.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
		driver.manage().window().setSize(new Dimension(1280, 800));
		driver.executeCdpCommand("Emulation.setDeviceMetricsOverride",
				Map.of("width", 1280, "height", 800, "deviceScaleFactor", 1, "mobile", false));
	}

	/**
	 * A phone's viewport, 390x844 CSS pixels, as Chromium's device emulation lays it out.
	 */
	private static void phone() {
		driver.executeCdpCommand("Emulation.setDeviceMetricsOverride",
				Map.of("width", 390, "height", 844, "deviceScaleFactor", 1, "mobile", true));
	}

	private static void screenshot(String name) throws IOException {
		Files.createDirectories(SCREENSHOTS);
		Path shot = driver.getScreenshotAs(OutputType.FILE).toPath();
		Files.copy(shot, SCREENSHOTS.resolve(name), StandardCopyOption.REPLACE_EXISTING);
	}

	/** The whole page, not only the viewport, through the DevTools protocol. */
	private static void fullPageScreenshot(String name) throws IOException {
		Files.createDirectories(SCREENSHOTS);
		Map<String, Object> shot = driver.executeCdpCommand("Page.captureScreenshot",
				Map.of("format", "png", "captureBeyondViewport", true));
		Files.write(SCREENSHOTS.resolve(name), java.util.Base64.getDecoder().decode((String) shot.get("data")));
	}

	/**
	 * The page re-renders live figures every second: read again if an element was
	 * replaced.
	 */
	private static <T> T retry(Callable<T> read) {
		WebDriverException last = null;
		for (int i = 0; i < 5; i++) {
			try {
				return read.call();
			}
			catch (WebDriverException ex) {
				last = ex;
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		}
		throw last;
	}

	// ---- socket helpers

	private int port(String listener) {
		return this.anonymous.json("/api/listeners/" + listener).path("port").asInt();
	}

	private Socket connect(int port) throws IOException {
		Socket socket = new Socket();
		socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
		socket.setSoTimeout(10_000);
		this.sockets.add(socket);
		return socket;
	}

	private static byte[] readExactly(InputStream in, int length) throws IOException {
		byte[] bytes = new byte[length];
		new DataInputStream(in).readFully(bytes);
		return bytes;
	}

	/**
	 * One search request on the search port (SPEC section 2): a 2-byte big-endian header
	 * length, the JSON header, the JSON content; answers the result.
	 */
	private static String search(int port, String query) throws IOException {
		byte[] content = JSON.writeValueAsBytes(Map.of("action", "search", "value", query));
		byte[] header = ("{\"byteorder\": \"little\", \"content-type\": \"text/json\", \"content-encoding\": \"utf-8\", "
				+ "\"content-length\": " + content.length + "}")
			.getBytes(StandardCharsets.UTF_8);
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
			socket.setSoTimeout(10_000);
			ByteArrayOutputStream request = new ByteArrayOutputStream();
			request.write(header.length >>> 8);
			request.write(header.length & 0xFF);
			request.write(header);
			request.write(content);
			socket.getOutputStream().write(request.toByteArray());
			DataInputStream in = new DataInputStream(socket.getInputStream());
			byte[] responseHeader = new byte[in.readUnsignedShort()];
			in.readFully(responseHeader);
			byte[] responseContent = new byte[JSON.readTree(responseHeader).path("content-length").asInt()];
			in.readFully(responseContent);
			return JSON.readTree(responseContent).path("result").asString();
		}
	}

	private static Path copyIndex() {
		try {
			Path file = Files.createTempDirectory("portico-console-index").resolve("search-index.json");
			Files.copy(Path.of("config/search-index.json"), file);
			return file;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
