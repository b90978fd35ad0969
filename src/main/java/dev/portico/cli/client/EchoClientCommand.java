package dev.portico.cli.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import dev.portico.cli.support.CliException;
import dev.portico.cli.support.Endpoints;
import dev.portico.cli.support.ExitCode;
import dev.portico.cli.support.TextArgument;
import dev.portico.cli.support.TlsOptions;
import dev.portico.protocol.DefaultPorts;

/** The tutorial echo client: sends TEXT and prints what the server sends back. */
@Command(name = "echo", mixinStandardHelpOptions = true, showDefaultValues = true,
		description = "Send TEXT to an echo listener and print what comes back.")
public class EchoClientCommand extends ListenerClient {

	public EchoClientCommand() {
		super(DefaultPorts.ECHO, Duration.ofSeconds(5));
	}

	@Mixin
	TlsOptions tls = new TlsOptions();

	@Mixin
	TextArgument text = new TextArgument();

	@Override
	public Integer call() {
		byte[] sent = this.text.bytes();
		String target = this.server.describe();
		byte[] received = new byte[sent.length];
		int total = 0;
		try (Socket socket = this.tls.connect(this.server, this.timeout.get())) {
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
					ex, this.timeout.get());
		}
		PrintWriter out = this.spec.commandLine().getOut();
		out.println(new String(received, 0, total, StandardCharsets.UTF_8));
		out.flush();
		if (total < sent.length) {
			throw new CliException(target + " closed the connection after " + total + " of " + sent.length + " bytes");
		}
		if (!Arrays.equals(sent, received)) {
			throw new CliException("the reply from " + target + " differs from what was sent", ExitCode.MISMATCH);
		}
		return ExitCode.OK;
	}

}
