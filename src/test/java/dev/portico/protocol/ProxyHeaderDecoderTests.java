package dev.portico.protocol;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import dev.portico.protocol.ProxyHeader.Command;
import dev.portico.protocol.ProxyHeader.Family;
import dev.portico.protocol.ProxyHeaderDecoder.Status;
import dev.portico.protocol.ProxyProtocolException.Kind;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class ProxyHeaderDecoderTests {

	static final String SIGNATURE = "0D0A0D0A000D0A515549540A";

	/** HAProxy's send-proxy-v2 for 192.0.2.1:56324 to 198.51.100.7:443, written out. */
	static final byte[] V2_INET = hex(SIGNATURE + "21" + "11" + "000C" + "C0000201" + "C6336407" + "DC04" + "01BB");

	/** The same for 2001:db8::1:56324 to 2001:db8::2:443. */
	static final byte[] V2_INET6 = hex(SIGNATURE + "21" + "21" + "0024" + "20010DB8000000000000000000000001"
			+ "20010DB8000000000000000000000002" + "DC04" + "01BB");

	/** A health check: LOCAL, no address block. */
	static final byte[] V2_LOCAL = hex(SIGNATURE + "20" + "00" + "0000");

	/** PROXY over an unspecified family, with a block the receiver must skip. */
	static final byte[] V2_UNSPEC = hex(SIGNATURE + "21" + "00" + "0003" + "AABBCC");

	/** IPv4 with TLVs: ALPN "h2", authority "example.org", a NOOP of 0 bytes. */
	static final byte[] V2_INET_TLVS = hex(SIGNATURE + "21" + "11" + "0022" + "C0000201" + "C6336407" + "DC04" + "01BB"
			+ "01" + "0002" + "6832" + "02" + "000B" + HexFormat.of().formatHex(ascii("example.org")) + "04" + "0000");

	static final byte[] V2_UNIX = hex(SIGNATURE + "21" + "31" + "00D8" + "00".repeat(216));

	static final byte[] V1_TCP4 = ascii("PROXY TCP4 192.0.2.1 198.51.100.7 56324 443\r\n");

	static final byte[] V1_TCP6 = ascii("PROXY TCP6 2001:db8::1 2001:db8::2 56324 443\r\n");

	static final byte[] V1_UNKNOWN = ascii("PROXY UNKNOWN\r\n");

	static final byte[] V1_UNKNOWN_WITH_ADDRESSES = ascii("PROXY UNKNOWN ffff:f...f:ffff 1.2.3.4 65535 65535\r\n");

	static Stream<Arguments> validHeaders() {
		return Stream.of(Arguments.of("v1 TCP4", V1_TCP4), Arguments.of("v1 TCP6", V1_TCP6),
				Arguments.of("v1 UNKNOWN", V1_UNKNOWN),
				Arguments.of("v1 UNKNOWN with addresses", V1_UNKNOWN_WITH_ADDRESSES), Arguments.of("v2 INET", V2_INET),
				Arguments.of("v2 INET6", V2_INET6), Arguments.of("v2 LOCAL", V2_LOCAL),
				Arguments.of("v2 UNSPEC", V2_UNSPEC), Arguments.of("v2 INET with TLVs", V2_INET_TLVS),
				Arguments.of("v2 UNIX", V2_UNIX));
	}

	@Test
	void shouldDecodeVersion1Tcp4WhenWrittenOutByHand() throws Exception {
		ProxyHeader header = decodeWhole(V1_TCP4);

		assertThat(header.version()).isEqualTo(1);
		assertThat(header.command()).isEqualTo(Command.PROXY);
		assertThat(header.family()).isEqualTo(Family.INET);
		assertThat(header.source()).isEqualTo(address("192.0.2.1", 56324));
		assertThat(header.destination()).isEqualTo(address("198.51.100.7", 443));
		assertThat(header.length()).isEqualTo(V1_TCP4.length);
		assertThat(header.hasAddresses()).isTrue();
	}

	@Test
	void shouldDecodeVersion1Tcp6WhenWrittenOutByHand() throws Exception {
		ProxyHeader header = decodeWhole(V1_TCP6);

		assertThat(header.family()).isEqualTo(Family.INET6);
		assertThat(header.source()).isEqualTo(address("2001:db8::1", 56324));
		assertThat(header.destination()).isEqualTo(address("2001:db8::2", 443));
	}

	@Test
	void shouldReadAnIpv4MappedVersion1Tcp6AddressAsIpv4() throws Exception {
		ProxyHeader header = decodeWhole(ascii("PROXY TCP6 ::ffff:192.0.2.1 ::1 1 2\r\n"));

		assertThat(header.source()).isEqualTo(address("192.0.2.1", 1));
		assertThat(header.destination()).isEqualTo(address("::1", 2));
	}

	@Test
	void shouldKeepNoAddressesWhenVersion1SaysUnknown() throws Exception {
		for (byte[] line : new byte[][] { V1_UNKNOWN, V1_UNKNOWN_WITH_ADDRESSES }) {
			ProxyHeader header = decodeWhole(line);
			assertThat(header.family()).isEqualTo(Family.UNSPEC);
			assertThat(header.command()).isEqualTo(Command.PROXY);
			assertThat(header.hasAddresses()).isFalse();
			assertThat(header.destination()).isNull();
			assertThat(header.length()).isEqualTo(line.length);
		}
	}

	@Test
	void shouldAcceptVersion1LineOfExactly107Bytes() throws Exception {
		byte[] line = ascii("PROXY UNKNOWN " + "x".repeat(107 - 16) + "\r\n");
		assertThat(line).hasSize(107);

		assertThat(decodeWhole(line).length()).isEqualTo(107);
	}

	@Test
	void shouldRefuseVersion1LineWithoutCrlfWithin107Bytes() {
		byte[] line = ascii("PROXY UNKNOWN " + "x".repeat(200) + "\r\n");
		ProxyHeaderDecoder decoder = new ProxyHeaderDecoder();

		ProxyProtocolException ex = catchThrowableOfType(ProxyProtocolException.class,
				() -> decoder.decode(line, 0, line.length));

		assertThat(ex.getKind()).isEqualTo(Kind.TOO_LONG);
		// the limit is found at byte 107, however much more has arrived
		assertThat(decoder.bufferedBytes()).isZero();
	}

	@ParameterizedTest
	@ValueSource(strings = { "PROXY TCP4 192.0.2.1 198.51.100.7 56324 443\n",
			"PROXY TCP4 192.0.2.1 198.51.100.7 56324 443 \r\n", "PROXY TCP4  192.0.2.1 198.51.100.7 56324 443\r\n",
			"PROXY TCP4 192.0.2.1 198.51.100.7 56324\r\n", "PROXY TCP4 192.0.2.1 198.51.100.7 56324 443 80\r\n",
			"PROXY tcp4 192.0.2.1 198.51.100.7 56324 443\r\n", "PROXY UDP4 192.0.2.1 198.51.100.7 56324 443\r\n",
			"PROXY \r\n", "PROXY TCP4 192.0.2.256 198.51.100.7 56324 443\r\n",
			"PROXY TCP4 192.0.2.01 198.51.100.7 56324 443\r\n", "PROXY TCP4 192.0.2 198.51.100.7 56324 443\r\n",
			"PROXY TCP4 2001:db8::1 198.51.100.7 56324 443\r\n", "PROXY TCP6 192.0.2.1 2001:db8::2 56324 443\r\n",
			"PROXY TCP6 2001:db8:::1 2001:db8::2 56324 443\r\n", "PROXY TCP6 [2001:db8::1] 2001:db8::2 56324 443\r\n",
			"PROXY TCP6 fe80::1%eth0 2001:db8::2 56324 443\r\n", "PROXY TCP4 example.org 198.51.100.7 56324 443\r\n",
			"PROXY TCP4 192.0.2.1 198.51.100.7 65536 443\r\n", "PROXY TCP4 192.0.2.1 198.51.100.7 056324 443\r\n",
			"PROXY TCP4 192.0.2.1 198.51.100.7 -1 443\r\n", "PROXY TCP4 192.0.2.1 198.51.100.7 +1 443\r\n",
			"PROXY TCP4 192.0.2.1 198.51.100.7 1x 443\r\n", "PROXY TCP4 192.0.2.1 198.51.100.7 56324 \r\n",
			"PROXY TCP4 192.0.2.1\t198.51.100.7 56324 443\r\n" })
	void shouldRefuseMalformedVersion1Line(String line) {
		assertThat(kindOf(ascii(line))).isEqualTo(Kind.MALFORMED);
	}

	@Test
	void shouldRefuseVersion1LineWithBytesThatAreNotAscii() {
		byte[] line = "PROXY UNKNOWN é\r\n".getBytes(StandardCharsets.UTF_8);

		assertThat(kindOf(line)).isEqualTo(Kind.MALFORMED);
	}

	@Test
	void shouldDecodeVersion2InetWhenWrittenOutByHand() throws Exception {
		ProxyHeader header = decodeWhole(V2_INET);

		assertThat(header.version()).isEqualTo(2);
		assertThat(header.command()).isEqualTo(Command.PROXY);
		assertThat(header.family()).isEqualTo(Family.INET);
		assertThat(header.source()).isEqualTo(address("192.0.2.1", 56324));
		assertThat(header.destination()).isEqualTo(address("198.51.100.7", 443));
		assertThat(header.length()).isEqualTo(28);
	}

	@Test
	void shouldDecodeVersion2Inet6WhenWrittenOutByHand() throws Exception {
		ProxyHeader header = decodeWhole(V2_INET6);

		assertThat(header.family()).isEqualTo(Family.INET6);
		assertThat(header.source()).isEqualTo(address("2001:db8::1", 56324));
		assertThat(header.destination()).isEqualTo(address("2001:db8::2", 443));
		assertThat(header.length()).isEqualTo(52);
	}

	@Test
	void shouldKeepNoAddressesWhenVersion2IsLocal() throws Exception {
		ProxyHeader header = decodeWhole(V2_LOCAL);

		assertThat(header.command()).isEqualTo(Command.LOCAL);
		assertThat(header.hasAddresses()).isFalse();
		assertThat(header.length()).isEqualTo(16);
	}

	@Test
	void shouldSkipTheBlockOfLocalWhateverFamilyItDeclares() throws Exception {
		// LOCAL discards the block, family included: an address block and a family 0xF
		byte[] local = hex(SIGNATURE + "20" + "FF" + "0004" + "01020304");

		ProxyHeader header = decodeWhole(local);

		assertThat(header.command()).isEqualTo(Command.LOCAL);
		assertThat(header.length()).isEqualTo(20);
	}

	@Test
	void shouldKeepNoAddressesWhenVersion2IsUnspecOrUnix() throws Exception {
		assertThat(decodeWhole(V2_UNSPEC).hasAddresses()).isFalse();
		assertThat(decodeWhole(V2_UNSPEC).length()).isEqualTo(19);
		assertThat(decodeWhole(V2_UNIX).family()).isEqualTo(Family.UNIX);
		assertThat(decodeWhole(V2_UNIX).hasAddresses()).isFalse();
	}

	@Test
	void shouldSkipTlvsAfterTheAddresses() throws Exception {
		ProxyHeader header = decodeWhole(V2_INET_TLVS);

		assertThat(header.source()).isEqualTo(address("192.0.2.1", 56324));
		assertThat(header.length()).isEqualTo(V2_INET_TLVS.length);
	}

	@Test
	void shouldRefuseTlvThatRunsPastTheHeader() {
		// a TLV declaring 5 bytes where 2 remain
		byte[] header = hex(
				SIGNATURE + "21" + "11" + "0011" + "C0000201" + "C6336407" + "DC04" + "01BB" + "01" + "0005" + "6832");

		assertThat(kindOf(header)).isEqualTo(Kind.MALFORMED);
	}

	@Test
	void shouldRefuseTlvCutInsideItsTypeAndLength() {
		byte[] header = hex(SIGNATURE + "21" + "11" + "000E" + "C0000201" + "C6336407" + "DC04" + "01BB" + "0100");

		assertThat(kindOf(header)).isEqualTo(Kind.MALFORMED);
	}

	@ParameterizedTest
	@ValueSource(strings = { "11" + "11" + "000C", "31" + "11" + "000C", "22" + "11" + "000C", "2F" + "11" + "000C",
			"21" + "41" + "000C", "21" + "13" + "000C", "21" + "11" + "000B", "21" + "21" + "0023",
			"21" + "31" + "00D7" })
	void shouldRefuseVersion2HeaderWithBadVersionCommandFamilyOrLength(String fixed) {
		byte[] block = hex("C0000201" + "C6336407" + "DC04" + "01BB" + "00".repeat(204));
		int declared = Integer.parseInt(fixed.substring(4), 16);
		byte[] header = concat(hex(SIGNATURE + fixed), Arrays.copyOf(block, declared));

		assertThat(kindOf(header)).isEqualTo(Kind.MALFORMED);
	}

	@Test
	void shouldRefuseOversizedVersion2HeaderAsSoonAsItsLengthIsIn() {
		byte[] fixed = hex(SIGNATURE + "21" + "11" + "FFFF");
		ProxyHeaderDecoder decoder = new ProxyHeaderDecoder();

		ProxyProtocolException ex = catchThrowableOfType(ProxyProtocolException.class,
				() -> decoder.decode(fixed, 0, fixed.length));

		assertThat(ex.getKind()).isEqualTo(Kind.TOO_LONG);
		assertThat(ex.getMessage()).contains("65551").contains("2048");
	}

	@Test
	void shouldAcceptVersion2HeaderOfExactlyTheMaximum() throws Exception {
		int max = ProxyHeaderDecoder.MIN_MAX_LENGTH;
		byte[] noop = ProxyHeaderEncoder.tlv(0x04, new byte[max - 28 - 3]);
		byte[] header = ProxyHeaderEncoder.v2(address("192.0.2.1", 1), address("192.0.2.2", 2), noop);
		assertThat(header).hasSize(max);

		ProxyHeaderDecoder decoder = new ProxyHeaderDecoder(max);
		assertThat(decoder.decode(header, 0, header.length)).isEqualTo(Status.COMPLETE);

		byte[] longer = ProxyHeaderEncoder.v2(address("192.0.2.1", 1), address("192.0.2.2", 2),
				ProxyHeaderEncoder.tlv(0x04, new byte[max - 28 - 2]));
		assertThat(catchThrowableOfType(ProxyProtocolException.class,
				() -> new ProxyHeaderDecoder(max).decode(longer, 0, longer.length))
			.getKind()).isEqualTo(Kind.TOO_LONG);
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("validHeaders")
	void shouldDecodeAlikeWhenSplitAtEveryByteBoundary(String name, byte[] bytes) throws Exception {
		ProxyHeader whole = decodeWhole(bytes);
		for (int split = 0; split <= bytes.length; split++) {
			ProxyHeaderDecoder decoder = new ProxyHeaderDecoder();
			Status first = decoder.decode(bytes, 0, split);
			assertThat(first).as("after %d bytes", split)
				.isEqualTo((split == bytes.length) ? Status.COMPLETE : Status.NEED_MORE);
			if (split < bytes.length) {
				assertThat(decoder.bufferedBytes()).isEqualTo(split);
				assertThat(decoder.decode(bytes, split, bytes.length - split)).isEqualTo(Status.COMPLETE);
			}
			assertThat(decoder.header()).as("split at %d", split).isEqualTo(whole);
		}
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("validHeaders")
	void shouldDecodeAlikeWhenBytesArriveOneAtATime(String name, byte[] bytes) throws Exception {
		ProxyHeaderDecoder decoder = new ProxyHeaderDecoder();
		for (int i = 0; i < bytes.length - 1; i++) {
			assertThat(decoder.decode(bytes, i, 1)).isEqualTo(Status.NEED_MORE);
		}
		assertThat(decoder.decode(bytes, bytes.length - 1, 1)).isEqualTo(Status.COMPLETE);
		assertThat(decoder.header()).isEqualTo(decodeWhole(bytes));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("validHeaders")
	void shouldReportTruncationWhenTheStreamEndsAtAnyPointInsideTheHeader(String name, byte[] bytes) throws Exception {
		for (int end = 1; end < bytes.length; end++) {
			ProxyHeaderDecoder decoder = new ProxyHeaderDecoder();
			assertThat(decoder.decode(bytes, 0, end)).as("after %d bytes", end).isEqualTo(Status.NEED_MORE);
			ProxyProtocolException ex = catchThrowableOfType(ProxyProtocolException.class, decoder::endOfStream);
			assertThat(ex).as("ended after %d bytes", end).isNotNull();
			assertThat(ex.getKind()).isEqualTo(Kind.TRUNCATED);
		}
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("validHeaders")
	void shouldTakeNoByteBeyondTheHeaderWhenPayloadFollowsInTheSameRead(String name, byte[] bytes) throws Exception {
		byte[] withPayload = concat(bytes, ascii("PROXY payload\r\n"));
		ProxyHeaderDecoder decoder = new ProxyHeaderDecoder();

		assertThat(decoder.decode(withPayload, 0, withPayload.length)).isEqualTo(Status.COMPLETE);

		assertThat(decoder.header().length()).isEqualTo(bytes.length);
		assertThat(decoder.header()).isEqualTo(decodeWhole(bytes));
	}

	@ParameterizedTest
	@ValueSource(strings = { "GET / HTTP/1.1\r\n", "hello", "PROXZ", "PROXY\r\n", "proxy ", "\r\n\r\n\r\n",
			"\r\n\r\n\u0000\r\nQUIX" })
	void shouldSayNotAHeaderAsSoonAsTheBytesDiverge(String text) throws Exception {
		byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
		ProxyHeaderDecoder decoder = new ProxyHeaderDecoder();

		assertThat(decoder.decode(bytes, 0, bytes.length)).isEqualTo(Status.NOT_A_HEADER);
		assertThat(decoder.header()).isNull();
		assertThat(decoder.bufferedBytes()).isZero();
	}

	@Test
	void shouldSayNotAHeaderForATlsClientHello() throws Exception {
		byte[] clientHello = hex("160301020001");

		assertThat(new ProxyHeaderDecoder().decode(clientHello, 0, clientHello.length)).isEqualTo(Status.NOT_A_HEADER);
	}

	@Test
	void shouldWaitWhileTheBytesCouldStillBeASignature() throws Exception {
		ProxyHeaderDecoder decoder = new ProxyHeaderDecoder();

		assertThat(decoder.decode(ascii("PROX"), 0, 4)).isEqualTo(Status.NEED_MORE);
		assertThat(decoder.decode(new byte[0], 0, 0)).isEqualTo(Status.NEED_MORE);
		assertThat(decoder.decode(ascii("Z"), 0, 1)).isEqualTo(Status.NOT_A_HEADER);
	}

	@Test
	void shouldEndQuietlyWhenTheStreamEndsBeforeAnyByte() {
		assertThatNoException().isThrownBy(() -> new ProxyHeaderDecoder().endOfStream());
	}

	@Test
	void shouldThrowTheSameExceptionAgainOnceSpent() {
		byte[] bad = ascii("PROXY TCP4 x\r\n");
		ProxyHeaderDecoder decoder = new ProxyHeaderDecoder();
		ProxyProtocolException first = catchThrowableOfType(ProxyProtocolException.class,
				() -> decoder.decode(bad, 0, bad.length));

		assertThatThrownBy(() -> decoder.decode(V1_TCP4, 0, V1_TCP4.length)).isSameAs(first);
		assertThatThrownBy(decoder::endOfStream).isSameAs(first);
	}

	@Test
	void shouldTakeNoMoreBytesOnceComplete() throws Exception {
		ProxyHeaderDecoder decoder = new ProxyHeaderDecoder();
		decoder.decode(V2_LOCAL, 0, V2_LOCAL.length);

		assertThatIllegalStateException().isThrownBy(() -> decoder.decode(V2_LOCAL, 0, 1));
	}

	@Test
	void shouldRoundTripWhatTheEncoderWrites() throws Exception {
		InetSocketAddress source = address("203.0.113.9", 40000);
		InetSocketAddress destination = address("2001:db8::7", 8443);

		ProxyHeader v1 = decodeWhole(ProxyHeaderEncoder.v1(source, destination));
		ProxyHeader v2 = decodeWhole(ProxyHeaderEncoder.v2(source, destination));

		assertThat(v1.family()).isEqualTo(Family.INET6);
		assertThat(v1.source()).isEqualTo(source);
		assertThat(v1.destination()).isEqualTo(destination);
		assertThat(v2.source()).isEqualTo(source);
		assertThat(v2.destination()).isEqualTo(destination);
		assertThat(decodeWhole(ProxyHeaderEncoder.v1Unknown()).hasAddresses()).isFalse();
		assertThat(ProxyHeaderEncoder.v2(address("192.0.2.1", 56324), address("198.51.100.7", 443))).isEqualTo(V2_INET);
		assertThat(ProxyHeaderEncoder.v2Local()).isEqualTo(V2_LOCAL);
	}

	@Test
	void shouldRefuseAMaximumTooSmallForAnAddressBlock() {
		assertThatThrownBy(() -> new ProxyHeaderDecoder(100)).isInstanceOf(IllegalArgumentException.class);
	}

	static ProxyHeader decodeWhole(byte[] bytes) throws ProxyProtocolException {
		ProxyHeaderDecoder decoder = new ProxyHeaderDecoder();
		assertThat(decoder.decode(bytes, 0, bytes.length)).isEqualTo(Status.COMPLETE);
		return decoder.header();
	}

	private static Kind kindOf(byte[] bytes) {
		ProxyProtocolException ex = catchThrowableOfType(ProxyProtocolException.class,
				() -> new ProxyHeaderDecoder().decode(bytes, 0, bytes.length));
		assertThat(ex).as("refused: %s", new String(bytes, StandardCharsets.ISO_8859_1)).isNotNull();
		return ex.getKind();
	}

	static InetSocketAddress address(String literal, int port) {
		try {
			return new InetSocketAddress(InetAddress.getByAddress(IpAddressText.parse(literal)), port);
		}
		catch (UnknownHostException ex) {
			throw new IllegalArgumentException(literal, ex);
		}
	}

	static byte[] ascii(String text) {
		return text.getBytes(StandardCharsets.US_ASCII);
	}

	static byte[] hex(String hex) {
		return HexFormat.of().parseHex(hex);
	}

	static byte[] concat(byte[] first, byte[] second) {
		byte[] joined = Arrays.copyOf(first, first.length + second.length);
		System.arraycopy(second, 0, joined, first.length, second.length);
		return joined;
	}

}
