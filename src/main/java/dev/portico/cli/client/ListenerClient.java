package dev.portico.cli.client;

import java.time.Duration;
import java.util.concurrent.Callable;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import dev.portico.cli.support.ServerAddress;
import dev.portico.cli.support.Timeout;

/**
 * What every client shares: the server's address, with the listener type's default port,
 * and a timeout with the client's own default.
 */
abstract class ListenerClient implements Callable<Integer> {

	@Spec
	CommandSpec spec;

	@Mixin
	ServerAddress server;

	@Mixin
	Timeout timeout;

	ListenerClient(int defaultPort, Duration defaultTimeout) {
		this.server = new ServerAddress(defaultPort);
		this.timeout = new Timeout(defaultTimeout);
	}

}
