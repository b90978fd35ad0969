package dev.portico.cli.client;

import picocli.CommandLine.Command;

/** Groups the clients, one per listener type. */
@Command(name = "client", mixinStandardHelpOptions = true,
		description = "Talk to a listener: echo, multiconn, search or udp.", subcommands = { EchoClientCommand.class,
				MulticonnClientCommand.class, SearchClientCommand.class, UdpClientCommand.class })
public class ClientCommand {

}
