package dev.portico.protocol;

import java.io.ByteArrayOutputStream;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * Writes PROXY protocol headers as a balancer does (see {@link ProxyHeaderDecoder} for
 * the layout): what the bundled load generator sends with {@code --proxy-protocol}, and
 * what tests feed the decoder.
 */
public final class ProxyHeaderEncoder {

	private static final byte[] V2_SIGNATURE = { 0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54,
			0x0A };

	private ProxyHeaderEncoder() {
	}

	/**
	 * A version 1 line for a relayed connection: {@code TCP4} when both addresses are
	 * IPv4, else {@code TCP6} (an IPv4 address written as IPv4-mapped IPv6).
	 */
	public static byte[] v1(InetSocketAddress source, InetSocketAddress destination) {
		boolean ipv4 = source.getAddress() instanceof Inet4Address && destination.getAddress() instanceof Inet4Address;
		String line = "PROXY " + (ipv4 ? "TCP4 " : "TCP6 ") + text(source.getAddress(), ipv4) + " "
				+ text(destination.getAddress(), ipv4) + " " + source.getPort() + " " + destination.getPort() + "\r\n";
		return line.getBytes(StandardCharsets.US_ASCII);
	}

	/** The version 1 line for a connection whose addresses are unknown. */
	public static byte[] v1Unknown() {
		return "PROXY UNKNOWN\r\n".getBytes(StandardCharsets.US_ASCII);
	}

	/**
	 * A version 2 header for a relayed TCP connection, {@code AF_INET} when both
	 * addresses are IPv4, else {@code AF_INET6}.
	 * @param tlvs TLVs to append, already encoded (type, 2-byte length, value), or none
	 */
	public static byte[] v2(InetSocketAddress source, InetSocketAddress destination, byte[]... tlvs) {
		boolean ipv4 = source.getAddress() instanceof Inet4Address && destination.getAddress() instanceof Inet4Address;
		ByteArrayOutputStream block = new ByteArrayOutputStream(36);
		block.writeBytes(bytes(source.getAddress(), ipv4));
		block.writeBytes(bytes(destination.getAddress(), ipv4));
		writeShort(block, source.getPort());
		writeShort(block, destination.getPort());
		for (byte[] tlv : tlvs) {
			block.writeBytes(tlv);
		}
		return v2(0x21, ipv4 ? 0x11 : 0x21, block.toByteArray());
	}

	/** A version 2 {@code LOCAL} header (a balancer's own health check). */
	public static byte[] v2Local() {
		return v2(0x20, 0x00, new byte[0]);
	}

	/**
	 * A version 2 header from its parts.
	 * @param versionCommand byte 13: {@code 0x21} PROXY, {@code 0x20} LOCAL
	 * @param familyTransport byte 14: {@code 0x11} TCP over IPv4, {@code 0x21} over IPv6
	 * @param block the address block and TLVs
	 */
	public static byte[] v2(int versionCommand, int familyTransport, byte[] block) {
		if (block.length > 0xFFFF) {
			throw new IllegalArgumentException("A version 2 block holds at most 65535 bytes");
		}
		ByteArrayOutputStream out = new ByteArrayOutputStream(16 + block.length);
		out.writeBytes(V2_SIGNATURE);
		out.write(versionCommand);
		out.write(familyTransport);
		writeShort(out, block.length);
		out.writeBytes(block);
		return out.toByteArray();
	}

	/** One TLV: type, 2-byte length, value. */
	public static byte[] tlv(int type, byte[] value) {
		ByteArrayOutputStream out = new ByteArrayOutputStream(3 + value.length);
		out.write(type);
		writeShort(out, value.length);
		out.writeBytes(value);
		return out.toByteArray();
	}

	private static String text(InetAddress address, boolean ipv4) {
		if (ipv4 || address instanceof Inet6Address) {
			return address.getHostAddress();
		}
		return "::ffff:" + address.getHostAddress();
	}

	private static byte[] bytes(InetAddress address, boolean ipv4) {
		byte[] raw = address.getAddress();
		if (ipv4 || raw.length == 16) {
			return raw;
		}
		byte[] mapped = new byte[16];
		mapped[10] = (byte) 0xFF;
		mapped[11] = (byte) 0xFF;
		System.arraycopy(raw, 0, mapped, 12, 4);
		return mapped;
	}

	private static void writeShort(ByteArrayOutputStream out, int value) {
		out.write(value >> 8);
		out.write(value);
	}

}
