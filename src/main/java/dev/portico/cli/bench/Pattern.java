package dev.portico.cli.bench;

/**
 * The deterministic bytes a connection sends: byte {@code offset} of connection
 * {@code conn}'s stream. Neighbouring bytes differ, so a lost, duplicated, reordered or
 * flipped byte is caught.
 */
final class Pattern {

	private static final long STEP = 0x9E3779B97F4A7C15L;

	private Pattern() {
	}

	static byte at(int conn, long offset) {
		return (byte) ((offset * STEP + (conn + 1) * 0xC2B2AE3D27D4EB4FL) >>> 56);
	}

}
