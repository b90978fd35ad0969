package dev.portico.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;

import dev.portico.cli.support.SearchRequests;
import dev.portico.protocol.SearchFrameDecoder;
import dev.portico.protocol.SearchMessage;
import dev.portico.protocol.SearchProtocolException;
import dev.portico.support.HttpTestClient;
import dev.portico.support.Sockets;

/** Asks a search port one query, as the reference client does, and returns the answer. */
final class SearchProbe {

	private SearchProbe() {
	}

	static String search(int port, String query) {
		try (Socket socket = Sockets.connect(port)) {
			socket.getOutputStream().write(SearchRequests.json("search", query));
			socket.getOutputStream().flush();
			SearchFrameDecoder decoder = new SearchFrameDecoder();
			InputStream in = socket.getInputStream();
			byte[] buffer = new byte[8192];
			int n;
			while ((n = in.read(buffer)) >= 0) {
				List<SearchMessage> messages = decoder.decode(buffer, 0, n);
				if (!messages.isEmpty()) {
					String content = new String(messages.get(0).content(), StandardCharsets.UTF_8);
					return HttpTestClient.parse(content).path("result").asString();
				}
			}
			throw new IOException("The search port closed without an answer");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (SearchProtocolException ex) {
			throw new IllegalStateException("The search port answered a malformed frame", ex);
		}
	}

}
