package dev.portico.console;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads {@code GET /api/events} as a browser would, on a thread of its own, and keeps
 * every event and comment it received with the time it arrived.
 */
final class SseTestClient implements AutoCloseable {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	/** One event as received. */
	record Event(String name, String id, String data, long receivedNanos) {

		JsonNode json() {
			return JSON.readTree(this.data);
		}

	}

	private final HttpResponse<InputStream> response;

	private final List<Event> events = new CopyOnWriteArrayList<>();

	private final List<String> comments = new CopyOnWriteArrayList<>();

	private final Thread reader;

	private volatile boolean ended;

	private SseTestClient(HttpResponse<InputStream> response) {
		this.response = response;
		this.reader = new Thread(this::read, "sse-test-client");
		this.reader.setDaemon(true);
		this.reader.start();
	}

	/** Open a stream; fails unless the server answers 200. */
	static SseTestClient open(int port) {
		HttpResponse<InputStream> response = request(port);
		if (response.statusCode() != 200) {
			String body;
			try (InputStream in = response.body()) {
				body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
			}
			catch (IOException ex) {
				body = ex.toString();
			}
			throw new AssertionError("GET /api/events answered " + response.statusCode() + ": " + body);
		}
		return new SseTestClient(response);
	}

	/**
	 * The raw answer to {@code GET /api/events}, for status and headers; the caller
	 * closes its body.
	 */
	static HttpResponse<InputStream> request(int port) {
		HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/events"))
			.header("Accept", "text/event-stream")
			.GET()
			.build();
		try {
			return client.send(request, BodyHandlers.ofInputStream());
		}
		catch (IOException ex) {
			throw new AssertionError("GET /api/events failed", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError(ex);
		}
	}

	HttpResponse<InputStream> response() {
		return this.response;
	}

	List<Event> events() {
		return new ArrayList<>(this.events);
	}

	List<Event> events(String name) {
		return this.events.stream().filter((event) -> event.name().equals(name)).toList();
	}

	List<String> comments() {
		return new ArrayList<>(this.comments);
	}

	/** Whether the server ended the stream. */
	boolean isEnded() {
		return this.ended;
	}

	private void read() {
		try (BufferedReader in = new BufferedReader(
				new InputStreamReader(this.response.body(), StandardCharsets.UTF_8))) {
			String name = "message";
			String id = null;
			StringBuilder data = null;
			String line;
			while ((line = in.readLine()) != null) {
				if (line.isEmpty()) {
					if (data != null) {
						this.events.add(new Event(name, id, data.toString(), System.nanoTime()));
					}
					name = "message";
					id = null;
					data = null;
				}
				else if (line.startsWith(":")) {
					this.comments.add(line.substring(1).strip());
				}
				else {
					int colon = line.indexOf(':');
					String field = (colon < 0) ? line : line.substring(0, colon);
					String value = (colon < 0) ? "" : line.substring(colon + 1);
					if (value.startsWith(" ")) {
						value = value.substring(1);
					}
					switch (field) {
						case "event" -> name = value;
						case "id" -> id = value;
						case "data" ->
							data = (data == null) ? new StringBuilder(value) : data.append('\n').append(value);
						default -> {
						}
					}
				}
			}
		}
		catch (IOException ex) {
			// closed by the test or the server
		}
		this.ended = true;
	}

	@Override
	public void close() {
		try {
			this.response.body().close();
		}
		catch (IOException ex) {
			// closing anyway
		}
	}

}
