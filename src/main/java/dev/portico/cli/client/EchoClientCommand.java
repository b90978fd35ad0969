package dev.portico.cli.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

import dev.portico.cli.CliException;
import dev.portico.cli.DurationConverter;
import dev.portico.cli.Endpoints;
import dev.portico.cli.PorticoCli;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** The tutorial echo client: sends TEXT and prints what the server sends back. */
@Command(name = "echo", mixinStandardHelpOptions = true,
		description = "Send TEXT to an echo listener and print what comes back.")
public class EchoClientCommand implements Callable<Integer> {

	@Spec
	CommandSpec spec;

	@Option(names = "--host", defaultValue = "127.0.0.1", description = "Server host (default: ${DEFAULT-VALUE}).")
	String host;

	@Option(names = "--port", defaultValue = "65432", description = "Server port (default: ${DEFAULT-VALUE}).")
	int port;

	@Option(names = "--timeout", defaultValue = "5s", converter = DurationConverter.class,
			description = "Connect and read timeout (default: ${DEFAULT-VALUE}).")
	Duration timeout;

	@Parameters(paramLabel = "TEXT", arity = "1..*", description = "Text to send (several words are joined by spaces).")
	List<String> text;

	@Override
	public Integer call() {
		byte[] sent = String.join(" ", this.text).getBytes(StandardCharsets.UTF_8);
		String target = Endpoints.describe(this.host, this.port);
		byte[] received = new byte[sent.length];
		int total = 0;
		try (Socket socket = Endpoints.connect(this.host, this.port, this.timeout)) {
			socket.getOutputStream().write(sent);
			socket.getOutputStream().flush();
			// Echo has no framing: the bytes may come back in any number of chunks.
			InputStream in = socket.getInputStream();
			while (total < sent.length) {
				int n = in.read(received, total, sent.length - total);
				if (n < 0) {
					break;
				}
				total += n;
			}
		}
		catch (CliException ex) {
			throw ex;
		}
		catch (IOException ex) {
			throw Endpoints.failure("no complete echo from " + target + " (" + total + " of " + sent.length + " bytes)",
					ex, this.timeout);
		}
		PrintWriter out = this.spec.commandLine().getOut();
		out.println(new String(received, 0, total, StandardCharsets.UTF_8));
		out.flush();
		if (total < sent.length) {
			throw new CliException(target + " closed the connection after " + total + " of " + sent.length + " bytes");
		}
		if (!Arrays.equals(sent, received)) {
			throw new CliException("the reply from " + target + " differs from what was sent",
					PorticoCli.EXIT_MISMATCH);
		}
		return PorticoCli.EXIT_OK;
	}

}
