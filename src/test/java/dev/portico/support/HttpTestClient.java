package dev.portico.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A small JDK HTTP client for a Portico on a random local port, with optional Basic
 * credentials.
 */
public final class HttpTestClient {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final String base;

	private final String authorization;

	public HttpTestClient(int port) {
		this(port, null, null);
	}

	private HttpTestClient(int port, String username, String password) {
		this.base = "http://127.0.0.1:" + port;
		this.authorization = (username != null) ? "Basic "
				+ Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8))
				: null;
	}

	/** The same client sending HTTP Basic credentials. */
	public HttpTestClient withCredentials(String username, String password) {
		return new HttpTestClient(URI.create(this.base).getPort(), username, password);
	}

	public HttpResponse<String> get(String path) {
		return send("GET", path, null, BodyPublishers.noBody());
	}

	public HttpResponse<String> delete(String path) {
		return send("DELETE", path, null, BodyPublishers.noBody());
	}

	public HttpResponse<String> post(String path) {
		return send("POST", path, null, BodyPublishers.noBody());
	}

	public HttpResponse<String> postJson(String path, String json) {
		return send("POST", path, "application/json", BodyPublishers.ofString(json));
	}

	public HttpResponse<String> postText(String path, String text) {
		return send("POST", path, "text/plain", BodyPublishers.ofString(text, StandardCharsets.UTF_8));
	}

	public HttpResponse<String> putText(String path, String text) {
		return send("PUT", path, "text/plain;charset=UTF-8", BodyPublishers.ofString(text, StandardCharsets.UTF_8));
	}

	public HttpResponse<String> putJson(String path, String json) {
		return send("PUT", path, "application/json", BodyPublishers.ofString(json));
	}

	/** GET a JSON body and parse it; fails unless 200. */
	public JsonNode json(String path) {
		HttpResponse<String> response = get(path);
		if (response.statusCode() != 200) {
			throw new AssertionError("GET " + path + " answered " + response.statusCode() + ": " + response.body());
		}
		return parse(response.body());
	}

	public static JsonNode parse(String body) {
		return JSON.readTree(body);
	}

	private HttpResponse<String> send(String method, String path, String contentType, BodyPublisher body) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(this.base + path))
			.timeout(Duration.ofSeconds(20))
			.method(method, body);
		if (contentType != null) {
			request.header("Content-Type", contentType);
		}
		if (this.authorization != null) {
			request.header("Authorization", this.authorization);
		}
		try {
			return this.client.send(request.build(), BodyHandlers.ofString(StandardCharsets.UTF_8));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
