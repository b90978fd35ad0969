package dev.portico.protocol;

import java.util.Arrays;

/**
 * Parses IP address literals as text into their bytes, by hand:
 * {@code InetAddress.getByName} would look a name up in DNS whenever its argument is not
 * a literal, which no value taken from a peer or a configuration file should ever make
 * the service do.
 */
public final class IpAddressText {

	private IpAddressText() {
	}

	/**
	 * The 4 or 16 bytes of an IPv4 or IPv6 literal, or {@code null} if {@code text} is
	 * neither.
	 */
	public static byte[] parse(String text) {
		return (text.indexOf(':') >= 0) ? parseIpv6(text) : parseIpv4(text);
	}

	/**
	 * The 4 bytes of a dotted-quad IPv4 literal ({@code 192.0.2.1}), or {@code null}.
	 * Strict: four decimal parts from 0 to 255, no sign, no leading zero (which some
	 * parsers read as octal).
	 */
	public static byte[] parseIpv4(String text) {
		return parseIpv4(text, 0, text.length());
	}

	private static byte[] parseIpv4(String text, int from, int to) {
		byte[] address = new byte[4];
		int part = 0;
		int at = from;
		while (part < 4) {
			int start = at;
			int value = 0;
			while (at < to && at - start < 4) {
				char c = text.charAt(at);
				if (c < '0' || c > '9') {
					break;
				}
				value = value * 10 + (c - '0');
				at++;
			}
			int digits = at - start;
			if (digits == 0 || digits > 3 || value > 255 || (digits > 1 && text.charAt(start) == '0')) {
				return null;
			}
			address[part++] = (byte) value;
			if (part < 4) {
				if (at >= to || text.charAt(at) != '.') {
					return null;
				}
				at++;
			}
		}
		return (at == to) ? address : null;
	}

	/**
	 * The 16 bytes of an IPv6 literal in any of RFC 4291's text forms
	 * ({@code 2001:db8::1}, {@code ::}, {@code ::ffff:192.0.2.1}), or {@code null}. No
	 * brackets, no zone.
	 */
	public static byte[] parseIpv6(String text) {
		int length = text.length();
		if (length < 2 || length > 45) {
			return null;
		}
		byte[] address = new byte[16];
		int groups = 0;
		int gap = -1;
		int at = 0;
		if (text.startsWith("::")) {
			gap = 0;
			at = 2;
			if (at == length) {
				return address;
			}
		}
		else if (text.charAt(0) == ':') {
			return null;
		}
		while (at < length) {
			if (groups == 8) {
				return null;
			}
			int start = at;
			int value = 0;
			while (at < length && at - start < 5) {
				int digit = hexDigit(text.charAt(at));
				if (digit < 0) {
					break;
				}
				value = (value << 4) | digit;
				at++;
			}
			if (at < length && text.charAt(at) == '.') {
				// a dotted-quad tail takes the last two groups
				if (groups > 6 || (gap < 0 && groups != 6)) {
					return null;
				}
				byte[] ipv4 = parseIpv4(text, start, length);
				if (ipv4 == null) {
					return null;
				}
				System.arraycopy(ipv4, 0, address, groups * 2, 4);
				groups += 2;
				at = length;
				break;
			}
			int digits = at - start;
			if (digits == 0 || digits > 4) {
				return null;
			}
			address[groups * 2] = (byte) (value >> 8);
			address[groups * 2 + 1] = (byte) value;
			groups++;
			if (at == length) {
				break;
			}
			if (text.charAt(at) != ':') {
				return null;
			}
			at++;
			if (at < length && text.charAt(at) == ':') {
				if (gap >= 0) {
					return null;
				}
				gap = groups;
				at++;
			}
			else if (at == length) {
				// a single trailing colon
				return null;
			}
		}
		if (gap < 0) {
			return (groups == 8) ? address : null;
		}
		if (groups == 8) {
			// "::" must stand for at least one group
			return null;
		}
		int tail = (groups - gap) * 2;
		System.arraycopy(address, gap * 2, address, 16 - tail, tail);
		Arrays.fill(address, gap * 2, 16 - tail, (byte) 0);
		return address;
	}

	/**
	 * 0 to 15, or -1: ASCII only, where {@code Character.digit} takes any Unicode digit.
	 */
	private static int hexDigit(char c) {
		if (c >= '0' && c <= '9') {
			return c - '0';
		}
		if (c >= 'a' && c <= 'f') {
			return c - 'a' + 10;
		}
		if (c >= 'A' && c <= 'F') {
			return c - 'A' + 10;
		}
		return -1;
	}

}
