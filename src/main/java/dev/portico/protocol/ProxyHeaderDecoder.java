package dev.portico.protocol;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

import dev.portico.protocol.ProxyHeader.Command;
import dev.portico.protocol.ProxyHeader.Family;
import dev.portico.protocol.ProxyProtocolException.Kind;

/**
 * Incremental decoder of the PROXY protocol header (versions 1 and 2, as HAProxy's
 * {@code PROXY protocol} specification defines them) that a balancer writes before a
 * connection's first byte. Feed it the connection's first bytes as they arrive, in any
 * split; it tells whether they begin a header at all, and decodes the header once whole.
 *
 * <pre>
 * version 1, one text line of at most 107 bytes:
 *   "PROXY TCP4 192.0.2.1 198.51.100.1 56324 443\r\n"
 *   "PROXY TCP6 2001:db8::1 2001:db8::2 56324 443\r\n"
 *   "PROXY UNKNOWN[ anything]\r\n"
 *
 * version 2, binary, 16 bytes then len bytes:
 *   0                   12       13       14                16
 *   | signature (12 bytes) | ver/cmd | fam/tp | len (2, big-endian) |
 *   signature: 0D 0A 0D 0A 00 0D 0A 51 55 49 54 0A
 *   ver/cmd:   0x2_ version, _0 LOCAL, _1 PROXY
 *   fam/tp:    0x0_ UNSPEC, 0x1_ INET, 0x2_ INET6, 0x3_ UNIX; _0 UNSPEC, _1 STREAM, _2 DGRAM
 *   INET:  src(4) dst(4) sport(2) dport(2)      INET6: src(16) dst(16) sport(2) dport(2)
 *   UNIX:  src(108) dst(108)                    then TLVs: type(1) length(2) value, skipped
 * </pre>
 *
 * <p>
 * The decoder never takes a byte beyond the header: {@link ProxyHeader#length()} says
 * where the payload begins in what was fed. Limits are checked before memory is
 * committed: a version 1 line ends within 107 bytes and a version 2 header may declare at
 * most {@code maxLength} bytes in all, checked as soon as its 16 fixed bytes are in; the
 * buffer grows with the bytes that arrive. After a {@link ProxyProtocolException} the
 * decoder is spent: every later call throws the same exception. Not thread-safe; one
 * decoder per connection.
 */
public final class ProxyHeaderDecoder {

	/** A version 1 line, CRLF included, is at most this long. */
	public static final int V1_MAX_LENGTH = 107;

	/**
	 * The default largest version 2 header: the 16 fixed bytes, the largest address block
	 * (216 bytes, two Unix paths) and room for TLVs such as ALPN, authority, a unique id
	 * or TLS details.
	 */
	public static final int DEFAULT_MAX_LENGTH = 2048;

	/** The smallest maximum a decoder accepts: any version 2 address block fits. */
	public static final int MIN_MAX_LENGTH = 16 + 216;

	private static final byte[] V1_PREFIX = "PROXY ".getBytes(StandardCharsets.US_ASCII);

	private static final byte[] V2_SIGNATURE = { 0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54,
			0x0A };

	private static final int V2_FIXED = 16;

	/** What the bytes fed so far amount to. */
	public enum Status {

		/** A header may still be coming: feed more bytes. */
		NEED_MORE,

		/**
		 * The bytes cannot begin a header: everything fed so far is payload (a connection
		 * without a header, where one is optional).
		 */
		NOT_A_HEADER,

		/** A whole header is in: {@link #header()} has it. */
		COMPLETE

	}

	private final int maxLength;

	private byte[] buffer = new byte[V2_FIXED];

	private int filled;

	/** 0 while the signature is still arriving, then 1 or 2. */
	private int version;

	/** A version 2 header's whole length, once its fixed part is in. */
	private int expected;

	private Status status = Status.NEED_MORE;

	private ProxyHeader header;

	private ProxyProtocolException failure;

	public ProxyHeaderDecoder() {
		this(DEFAULT_MAX_LENGTH);
	}

	/**
	 * @param maxLength the largest version 2 header accepted, in bytes; at least
	 * {@link #MIN_MAX_LENGTH}
	 */
	public ProxyHeaderDecoder(int maxLength) {
		if (maxLength < MIN_MAX_LENGTH) {
			throw new IllegalArgumentException("maxLength must be at least " + MIN_MAX_LENGTH);
		}
		this.maxLength = maxLength;
	}

	/**
	 * Take the next bytes of the connection, up to the end of the header.
	 * @param bytes the array holding the bytes that arrived
	 * @param offset where they start
	 * @param length how many
	 * @return what the bytes fed so far amount to; once it is not
	 * {@link Status#NEED_MORE}, the decoder takes no more bytes
	 * @throws ProxyProtocolException if the bytes begin a header that cannot be accepted
	 */
	public Status decode(byte[] bytes, int offset, int length) throws ProxyProtocolException {
		Objects.checkFromIndexSize(offset, length, bytes.length);
		if (this.failure != null) {
			throw this.failure;
		}
		if (this.status != Status.NEED_MORE) {
			throw new IllegalStateException("The decoder is done: " + this.status);
		}
		try {
			int at = offset;
			int end = offset + length;
			while (at < end && this.status == Status.NEED_MORE) {
				at = switch (this.version) {
					case 0 -> detect(bytes, at);
					case 1 -> readV1(bytes, at, end);
					default -> readV2(bytes, at, end);
				};
			}
			return this.status;
		}
		catch (ProxyProtocolException ex) {
			fail(ex);
			throw ex;
		}
	}

	/**
	 * The stream ended.
	 * @throws ProxyProtocolException ({@link Kind#TRUNCATED}) if it ended inside a header
	 */
	public void endOfStream() throws ProxyProtocolException {
		if (this.failure != null) {
			throw this.failure;
		}
		if (this.status == Status.NEED_MORE && this.filled > 0) {
			fail(new ProxyProtocolException(Kind.TRUNCATED,
					"the stream ended after " + this.filled + " bytes of a PROXY protocol header"));
			throw this.failure;
		}
	}

	/** A spent decoder holds no bytes. */
	private void fail(ProxyProtocolException ex) {
		this.failure = ex;
		this.buffer = new byte[0];
		this.filled = 0;
	}

	/** The decoded header, once {@link Status#COMPLETE}, else {@code null}. */
	public ProxyHeader header() {
		return this.header;
	}

	/** Bytes of an unfinished header held so far. */
	public int bufferedBytes() {
		return (this.status == Status.NEED_MORE) ? this.filled : 0;
	}

	private int detect(byte[] bytes, int at) {
		byte next = bytes[at];
		int position = this.filled;
		boolean v1 = position < V1_PREFIX.length && V1_PREFIX[position] == next && startsLike(V1_PREFIX);
		boolean v2 = position < V2_SIGNATURE.length && V2_SIGNATURE[position] == next && startsLike(V2_SIGNATURE);
		if (!v1 && !v2) {
			this.status = Status.NOT_A_HEADER;
			return at;
		}
		this.buffer[this.filled++] = next;
		if (v1 && this.filled == V1_PREFIX.length) {
			this.version = 1;
			this.buffer = Arrays.copyOf(this.buffer, V1_MAX_LENGTH);
		}
		else if (v2 && this.filled == V2_SIGNATURE.length) {
			this.version = 2;
		}
		return at + 1;
	}

	/** Whether the bytes held so far are the start of {@code signature}. */
	private boolean startsLike(byte[] signature) {
		return this.filled <= signature.length && Arrays.equals(this.buffer, 0, this.filled, signature, 0, this.filled);
	}

	private int readV1(byte[] bytes, int at, int end) throws ProxyProtocolException {
		while (at < end) {
			byte next = bytes[at++];
			this.buffer[this.filled++] = next;
			if (next == '\n') {
				this.header = parseV1();
				this.status = Status.COMPLETE;
				return at;
			}
			if (this.filled == V1_MAX_LENGTH) {
				throw new ProxyProtocolException(Kind.TOO_LONG,
						"a version 1 PROXY header has no CRLF within " + V1_MAX_LENGTH + " bytes");
			}
		}
		return at;
	}

	private ProxyHeader parseV1() throws ProxyProtocolException {
		int length = this.filled;
		if (this.buffer[length - 2] != '\r') {
			throw malformed("a version 1 PROXY header ends with CRLF, not a bare LF");
		}
		for (int i = 0; i < length - 2; i++) {
			if (this.buffer[i] < 0x20 || this.buffer[i] > 0x7E) {
				throw malformed("a version 1 PROXY header holds a byte that is not printable ASCII at " + i);
			}
		}
		String[] fields = new String(this.buffer, 0, length - 2, StandardCharsets.US_ASCII).split(" ", -1);
		String protocol = fields[1];
		if (protocol.equals("UNKNOWN")) {
			// the rest of the line, if any, is to be ignored
			return new ProxyHeader(1, Command.PROXY, Family.UNSPEC, null, null, length);
		}
		Family family = switch (protocol) {
			case "TCP4" -> Family.INET;
			case "TCP6" -> Family.INET6;
			default -> throw malformed(
					"a version 1 PROXY header names protocol '" + protocol + "': use TCP4, TCP6 or UNKNOWN");
		};
		if (fields.length != 6) {
			throw malformed("a version 1 " + protocol
					+ " header has 4 fields after the protocol, separated by single spaces; found "
					+ (fields.length - 2));
		}
		InetAddress source = v1Address(fields[2], family);
		InetAddress destination = v1Address(fields[3], family);
		return new ProxyHeader(1, Command.PROXY, family, new InetSocketAddress(source, v1Port(fields[4])),
				new InetSocketAddress(destination, v1Port(fields[5])), length);
	}

	private static InetAddress v1Address(String text, Family family) throws ProxyProtocolException {
		byte[] address = (family == Family.INET) ? IpAddressText.parseIpv4(text) : IpAddressText.parseIpv6(text);
		if (address == null) {
			throw malformed("'" + text + "' is not an " + ((family == Family.INET) ? "IPv4" : "IPv6") + " address");
		}
		return address(address);
	}

	private static int v1Port(String text) throws ProxyProtocolException {
		int length = text.length();
		boolean digits = length >= 1 && length <= 5 && (length == 1 || text.charAt(0) != '0');
		for (int i = 0; digits && i < length; i++) {
			digits = text.charAt(i) >= '0' && text.charAt(i) <= '9';
		}
		int port = digits ? Integer.parseInt(text) : -1;
		if (port < 0 || port > 65535) {
			throw malformed("'" + text + "' is not a port from 0 to 65535");
		}
		return port;
	}

	private int readV2(byte[] bytes, int at, int end) throws ProxyProtocolException {
		if (this.filled < V2_FIXED) {
			int n = Math.min(V2_FIXED - this.filled, end - at);
			System.arraycopy(bytes, at, this.buffer, this.filled, n);
			this.filled += n;
			at += n;
			if (this.filled < V2_FIXED) {
				return at;
			}
			this.expected = checkV2Fixed();
		}
		int n = Math.min(this.expected - this.filled, end - at);
		if (this.filled + n > this.buffer.length) {
			// grow with what arrived, never straight to the declared length
			this.buffer = Arrays.copyOf(this.buffer,
					Math.min(this.expected, Math.max(this.filled + n, this.buffer.length * 2)));
		}
		System.arraycopy(bytes, at, this.buffer, this.filled, n);
		this.filled += n;
		at += n;
		if (this.filled == this.expected) {
			this.header = parseV2();
			this.status = Status.COMPLETE;
		}
		return at;
	}

	/** Checks the fixed part as soon as it is in; answers the whole length. */
	private int checkV2Fixed() throws ProxyProtocolException {
		int version = (this.buffer[12] >> 4) & 0x0F;
		int command = this.buffer[12] & 0x0F;
		if (version != 2) {
			throw malformed("a PROXY protocol header with the version 2 signature declares version " + version);
		}
		if (command > 1) {
			throw malformed("a version 2 PROXY header declares command " + command + ": use 0 (LOCAL) or 1 (PROXY)");
		}
		int family = (this.buffer[13] >> 4) & 0x0F;
		int transport = this.buffer[13] & 0x0F;
		// LOCAL discards the address block, family included: only PROXY's must make sense
		if (command == 1 && (family > 3 || transport > 2)) {
			throw malformed("a version 2 PROXY header declares address family " + family + " and transport " + transport
					+ ": the family is 0 to 3, the transport 0 to 2");
		}
		int length = V2_FIXED + (((this.buffer[14] & 0xFF) << 8) | (this.buffer[15] & 0xFF));
		if (length > this.maxLength) {
			throw new ProxyProtocolException(Kind.TOO_LONG, "a version 2 PROXY header declares " + length
					+ " bytes, more than the " + this.maxLength + " accepted");
		}
		return length;
	}

	private ProxyHeader parseV2() throws ProxyProtocolException {
		int length = this.expected;
		if ((this.buffer[12] & 0x0F) == 0) {
			return new ProxyHeader(2, Command.LOCAL, Family.UNSPEC, null, null, length);
		}
		Family family = Family.values()[(this.buffer[13] >> 4) & 0x0F];
		int addresses = switch (family) {
			case UNSPEC -> 0;
			case INET -> 12;
			case INET6 -> 36;
			case UNIX -> 216;
		};
		if (family == Family.UNSPEC) {
			// unknown protocol: the block is the sender's business, skipped whole
			return new ProxyHeader(2, Command.PROXY, family, null, null, length);
		}
		if (length - V2_FIXED < addresses) {
			throw malformed("a version 2 PROXY header for " + family + " needs " + addresses
					+ " bytes of addresses; it declares " + (length - V2_FIXED));
		}
		checkTlvs(V2_FIXED + addresses, length);
		if (family == Family.UNIX) {
			return new ProxyHeader(2, Command.PROXY, family, null, null, length);
		}
		int size = (family == Family.INET) ? 4 : 16;
		int at = V2_FIXED;
		InetAddress source = address(Arrays.copyOfRange(this.buffer, at, at + size));
		InetAddress destination = address(Arrays.copyOfRange(this.buffer, at + size, at + 2 * size));
		int ports = at + 2 * size;
		return new ProxyHeader(2, Command.PROXY, family, new InetSocketAddress(source, unsignedShort(ports)),
				new InetSocketAddress(destination, unsignedShort(ports + 2)), length);
	}

	/** TLVs are skipped, but each must fit exactly in what the header declares. */
	private void checkTlvs(int from, int to) throws ProxyProtocolException {
		int at = from;
		while (at < to) {
			if (to - at < 3) {
				throw malformed("a version 2 PROXY header ends inside a TLV's type and length");
			}
			int valueLength = unsignedShort(at + 1);
			at += 3 + valueLength;
			if (at > to) {
				throw malformed("a TLV of type 0x" + Integer.toHexString(this.buffer[at - 3 - valueLength] & 0xFF)
						+ " runs past the end of its version 2 PROXY header");
			}
		}
	}

	private int unsignedShort(int at) {
		return ((this.buffer[at] & 0xFF) << 8) | (this.buffer[at + 1] & 0xFF);
	}

	private static InetAddress address(byte[] bytes) {
		try {
			// raw bytes: no name lookup
			return InetAddress.getByAddress(bytes);
		}
		catch (UnknownHostException ex) {
			throw new IllegalStateException("an address of " + bytes.length + " bytes", ex);
		}
	}

	private static ProxyProtocolException malformed(String message) {
		return new ProxyProtocolException(Kind.MALFORMED, message);
	}

}
