package dev.portico.tcp;

import java.net.InetAddress;
import java.util.Arrays;

import dev.portico.protocol.IpAddressText;

/**
 * An address block written as CIDR ({@code 10.0.0.0/8}, {@code ::1/128}; a bare address
 * is a block of one). An IPv4 peer seen as IPv4-mapped IPv6 matches the IPv4 blocks.
 *
 * @param network the block's first address, 4 or 16 bytes
 * @param prefixLength how many leading bits must match
 * @param text the block as written
 */
record CidrBlock(byte[] network, int prefixLength, String text) {

	/**
	 * Parses a block; never resolves a name.
	 * @throws IllegalArgumentException saying what is wrong
	 */
	static CidrBlock parse(String text) {
		String trimmed = text.trim();
		int slash = trimmed.indexOf('/');
		String address = (slash >= 0) ? trimmed.substring(0, slash) : trimmed;
		byte[] network = IpAddressText.parse(address);
		if (network == null) {
			throw new IllegalArgumentException(
					"'" + trimmed + "' is not an address block: write it as CIDR, such as 10.0.0.0/8 or fd00::/8");
		}
		int bits = network.length * 8;
		int prefixLength = bits;
		if (slash >= 0) {
			String length = trimmed.substring(slash + 1);
			prefixLength = (length.matches("\\d{1,3}")) ? Integer.parseInt(length) : -1;
			if (prefixLength < 0 || prefixLength > bits) {
				throw new IllegalArgumentException("'" + trimmed + "' has a prefix length that is not 0 to " + bits);
			}
		}
		return new CidrBlock(network, prefixLength, trimmed);
	}

	boolean contains(InetAddress address) {
		byte[] bytes = address.getAddress();
		if (bytes.length == 16 && this.network.length == 4 && isIpv4Mapped(bytes)) {
			bytes = Arrays.copyOfRange(bytes, 12, 16);
		}
		if (bytes.length != this.network.length) {
			return false;
		}
		int full = this.prefixLength / 8;
		for (int i = 0; i < full; i++) {
			if (bytes[i] != this.network[i]) {
				return false;
			}
		}
		int rest = this.prefixLength % 8;
		if (rest == 0) {
			return true;
		}
		int mask = (0xFF << (8 - rest)) & 0xFF;
		return (bytes[full] & mask) == (this.network[full] & mask);
	}

	private static boolean isIpv4Mapped(byte[] bytes) {
		for (int i = 0; i < 10; i++) {
			if (bytes[i] != 0) {
				return false;
			}
		}
		return bytes[10] == (byte) 0xFF && bytes[11] == (byte) 0xFF;
	}

	@Override
	public String toString() {
		return this.text;
	}

}
