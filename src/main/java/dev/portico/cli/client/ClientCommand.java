package dev.portico.cli.client;

import picocli.CommandLine.Command;

/** Groups the clients, one per listener type. */
@Command(name = "client", mixinStandardHelpOptions = true,
		description = "Talk to a Portico listener (or any server speaking the same protocol).",
		subcommands = { EchoClientCommand.class, MulticonnClientCommand.class, SearchClientCommand.class,
				UdpClientCommand.class })
public class ClientCommand {

}
