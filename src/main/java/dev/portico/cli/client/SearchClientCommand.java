package dev.portico.cli.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.portico.cli.support.CliException;
import dev.portico.cli.support.Endpoints;
import dev.portico.cli.support.ExitCode;
import dev.portico.cli.support.SearchRequests;
import dev.portico.cli.support.TlsOptions;
import dev.portico.protocol.DefaultPorts;
import dev.portico.protocol.SearchFrameDecoder;
import dev.portico.protocol.SearchMessage;
import dev.portico.protocol.SearchProtocolException;

/**
 * The tutorial application client: {@code search VALUE} sends a JSON request and prints
 * the result; any other action sends a binary request and prints the binary answer.
 */
@Command(name = "search", mixinStandardHelpOptions = true, showDefaultValues = true,
		description = { "Send one request to a search listener and print the answer.",
				"'search VALUE' sends a JSON search request; any other ACTION sends a binary request",
				"whose content is ACTION followed by VALUE." })
public class SearchClientCommand extends ListenerClient {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	public SearchClientCommand() {
		super(DefaultPorts.SEARCH, Duration.ofSeconds(5));
	}

	@Mixin
	TlsOptions tls = new TlsOptions();

	@Parameters(index = "0", paramLabel = "ACTION", description = "'search', or anything else for a binary request.")
	String action;

	@Parameters(index = "1", paramLabel = "VALUE", description = "The query (or the rest of the binary content).")
	String value;

	@Override
	public Integer call() {
		byte[] request = "search".equals(this.action) ? SearchRequests.json(this.action, this.value)
				: SearchRequests.binary((this.action + this.value).getBytes(StandardCharsets.UTF_8));
		String target = this.server.describe();
		SearchMessage answer;
		try (Socket socket = this.tls.connect(this.server, this.timeout.get())) {
			socket.getOutputStream().write(request);
			socket.getOutputStream().flush();
			answer = read(socket.getInputStream(), target);
		}
		catch (CliException ex) {
			throw ex;
		}
		catch (IOException ex) {
			throw Endpoints.failure("no answer from " + target, ex, this.timeout.get());
		}
		PrintWriter out = this.spec.commandLine().getOut();
		if (answer.isJson()) {
			JsonNode content = parseObject(answer.content());
			if (content == null) {
				throw new CliException("the answer from " + target + " is not a JSON object: "
						+ new String(answer.content(), StandardCharsets.UTF_8), ExitCode.MISMATCH);
			}
			if (content.has("result")) {
				out.println(content.get("result").asString());
				out.flush();
				return ExitCode.OK;
			}
			if (content.has("error")) {
				throw new CliException(target + " answered with an error: " + content.get("error").asString());
			}
			out.println(content.toString());
			out.flush();
			return ExitCode.OK;
		}
		// Binary content: printed as text when it decodes, the reference client prints
		// its repr.
		out.println(new String(answer.content(), StandardCharsets.UTF_8));
		out.flush();
		return ExitCode.OK;
	}

	private static SearchMessage read(InputStream in, String target) throws IOException {
		SearchFrameDecoder decoder = new SearchFrameDecoder();
		byte[] buffer = new byte[4096];
		try {
			while (true) {
				int n = in.read(buffer);
				if (n < 0) {
					boolean truncated = !decoder.isAtFrameBoundary();
					throw new CliException(target + " closed the connection before a complete answer"
							+ (truncated ? " (answer truncated)" : ""));
				}
				// One request, one answer: anything after the first frame is ignored.
				List<SearchMessage> messages = decoder.decode(buffer, 0, n);
				if (!messages.isEmpty()) {
					return messages.get(0);
				}
			}
		}
		catch (SearchProtocolException ex) {
			throw new CliException("unreadable answer from " + target + ": " + ex.getMessage(), ExitCode.MISMATCH);
		}
	}

	private static JsonNode parseObject(byte[] content) {
		try {
			JsonNode node = JSON.readTree(content);
			return (node != null && node.isObject()) ? node : null;
		}
		catch (JacksonException ex) {
			return null;
		}
	}

}
