package dev.portico.cli.bench;

/** What the load generator sends and how it checks the answers. */
public enum BenchMode {

	/** Ping-pong of small messages on an echo listener (64 B by default). */
	echo(64, 1),

	/**
	 * Bulk chunks written and read concurrently on every connection (16 KiB by default).
	 */
	stream(16 * 1024, 4),

	/**
	 * Connections held open, each echoing one message per interval; counts the survivors.
	 */
	hold(64, 1),

	/** Search requests with known answers, on one connection each or kept alive. */
	search(0, 1),

	/**
	 * A new connection per message: connect (and, with TLS, a full handshake), one echo,
	 * close; measures connections, or handshakes, per second.
	 */
	connect(64, 1),

	/** Datagrams echoed by a UDP listener; counts replies and loss. */
	udp(64, 1);

	private final int defaultSize;

	private final int defaultPipeline;

	BenchMode(int defaultSize, int defaultPipeline) {
		this.defaultSize = defaultSize;
		this.defaultPipeline = defaultPipeline;
	}

	int defaultSize() {
		return this.defaultSize;
	}

	int defaultPipeline() {
		return this.defaultPipeline;
	}

}
