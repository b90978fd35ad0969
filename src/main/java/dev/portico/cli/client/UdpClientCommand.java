package dev.portico.cli.client;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import dev.portico.cli.support.Endpoints;
import dev.portico.cli.support.ExitCode;
import dev.portico.cli.support.TextArgument;
import dev.portico.cli.support.Timeout;
import dev.portico.protocol.DefaultPorts;

/**
 * The tutorial UDP client: one datagram out, prints the reply or says clearly that none
 * came.
 */
@Command(name = "udp", mixinStandardHelpOptions = true, showDefaultValues = true,
		description = "Send TEXT as one datagram and print the reply.")
public class UdpClientCommand extends ListenerClient {

	/** The largest UDP payload over IPv4. */
	static final int MAX_DATAGRAM = 65507;

	public UdpClientCommand() {
		super(DefaultPorts.UDP, Duration.ofSeconds(2));
	}

	@Mixin
	TextArgument text = new TextArgument();

	@Override
	public Integer call() {
		byte[] sent = this.text.bytes();
		String target = this.server.describe();
		try (DatagramSocket socket = new DatagramSocket()) {
			// Connected, so that an ICMP "port unreachable" surfaces as an exception, not
			// a wait.
			socket.connect(this.server.resolve());
			socket.setSoTimeout((int) this.timeout.get().toMillis());
			socket.send(new DatagramPacket(sent, sent.length));
			DatagramPacket reply = new DatagramPacket(new byte[MAX_DATAGRAM], MAX_DATAGRAM);
			socket.receive(reply);
			PrintWriter out = this.spec.commandLine().getOut();
			out.println(new String(reply.getData(), 0, reply.getLength(), StandardCharsets.UTF_8));
			out.flush();
			return ExitCode.OK;
		}
		catch (IOException ex) {
			throw Endpoints.failure("no reply from " + target, ex, this.timeout.get());
		}
	}

}
