package dev.portico.protocol;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;

import dev.portico.protocol.ProxyHeader.Command;
import dev.portico.protocol.ProxyHeader.Family;
import dev.portico.protocol.ProxyHeaderDecoder.Status;
import dev.portico.protocol.ProxyProtocolException.Kind;
import dev.portico.protocol.SearchFrameFuzzTests.Splits;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzz tests of the PROXY protocol header decoder, which reads the first bytes of every
 * connection on a listener with {@code proxy-protocol} on, before anything else. In a
 * plain build each test replays its inputs from
 * {@code src/test/resources/dev/portico/protocol/ProxyHeaderFuzzTestsInputs/<method>/};
 * with {@code JAZZER_FUZZ=1} Jazzer fuzzes the one test selected with
 * {@code -Dtest=Class#method} (docs/fuzzing.md).
 */
class ProxyHeaderFuzzTests {

	/** Small, so that the fuzzer reaches the limit often; listeners use the default. */
	static final int MAX_LENGTH = 512;

	/**
	 * A decoder fed the bytes in fuzzer-chosen pieces and a decoder fed them at once come
	 * to the same outcome (the same header, "not a header", or the same kind of error);
	 * only {@link ProxyProtocolException} escapes; a header never claims more bytes than
	 * arrived nor more than its version allows, and what it decodes writes back to a
	 * header that decodes the same. Input layout: see {@link Splits} (a seed is
	 * {@code 00} followed by the wire bytes).
	 */
	@FuzzTest(maxDuration = "5m")
	@DictionaryEntries({ "\"PROXY \"", "\"TCP4 \"", "\"TCP6 \"", "\"UNKNOWN\"", "\"\\r\\n\"", "\"127.0.0.1\"",
			"\"::1\"", "\"::ffff:\"", "\"65535\"", "\"\\x0d\\x0a\\x0d\\x0a\\x00\\x0d\\x0aQUIT\\x0a\"", "\"\\x21\\x11\"",
			"\"\\x21\\x21\"", "\"\\x20\\x00\"", "\"\\x21\\x31\"" })
	void shouldDecodeAlikeWhenBytesArriveInAnySplit(byte[] data) throws ProxyProtocolException {
		Splits splits = Splits.of(data);
		byte[] stream = splits.payload();

		Outcome incremental = decodeIncrementally(stream, splits);
		Outcome whole = decodeIncrementally(stream, Splits.of(new byte[] { 0 }));

		assertThat(incremental).isEqualTo(whole);
		if (whole.header() != null) {
			ProxyHeader header = whole.header();
			assertThat(header.length()).isLessThanOrEqualTo(stream.length);
			assertThat(header.length())
				.isLessThanOrEqualTo((header.version() == 1) ? ProxyHeaderDecoder.V1_MAX_LENGTH : MAX_LENGTH);
			assertThat(header.hasAddresses()).isEqualTo(header.destination() != null);
			assertThat(header.hasAddresses()).isEqualTo(header.command() == Command.PROXY
					&& (header.family() == Family.INET || header.family() == Family.INET6));
			if (header.hasAddresses()) {
				assertWritesBackAlike(header);
			}
		}
		else if (whole.status() == Status.NOT_A_HEADER) {
			assertThat(stream).isNotEmpty();
		}
	}

	/**
	 * Any addresses and ports, IPv4 or IPv6, written as version 1 or 2 (with TLVs) and
	 * followed by payload, decode to the same addresses and ports, with the header's
	 * exact length, whatever the split.
	 */
	@FuzzTest(maxDuration = "5m")
	void shouldRoundTripWhenHeaderIsValid(FuzzedDataProvider data) throws ProxyProtocolException {
		boolean ipv6 = data.consumeBoolean();
		InetSocketAddress source = new InetSocketAddress(address(data.consumeBytes(ipv6 ? 16 : 4), ipv6),
				data.consumeInt(0, 65535));
		InetSocketAddress destination = new InetSocketAddress(address(data.consumeBytes(ipv6 ? 16 : 4), ipv6),
				data.consumeInt(0, 65535));
		byte[] header;
		if (data.consumeBoolean()) {
			header = ProxyHeaderEncoder.v1(source, destination);
		}
		else {
			byte[][] tlvs = new byte[data.consumeInt(0, 4)][];
			for (int i = 0; i < tlvs.length; i++) {
				tlvs[i] = ProxyHeaderEncoder.tlv(data.consumeInt(0, 255), data.consumeBytes(data.consumeInt(0, 64)));
			}
			header = ProxyHeaderEncoder.v2(source, destination, tlvs);
		}
		int split = data.consumeInt(0, header.length);
		byte[] stream = Arrays.copyOf(header, header.length + 1 + data.remainingBytes());
		byte[] payload = data.consumeRemainingAsBytes();
		stream[header.length] = 'x';
		System.arraycopy(payload, 0, stream, header.length + 1, payload.length);

		ProxyHeaderDecoder decoder = new ProxyHeaderDecoder();
		Status first = decoder.decode(stream, 0, split);
		Status status = (first == Status.NEED_MORE) ? decoder.decode(stream, split, stream.length - split) : first;

		assertThat(status).isEqualTo(Status.COMPLETE);
		assertThat(decoder.header().length()).isEqualTo(header.length);
		assertThat(decoder.header().source()).isEqualTo(source);
		assertThat(decoder.header().destination()).isEqualTo(destination);
	}

	static Outcome decodeIncrementally(byte[] stream, Splits splits) {
		ProxyHeaderDecoder decoder = new ProxyHeaderDecoder(MAX_LENGTH);
		int offset = 0;
		try {
			Status status = Status.NEED_MORE;
			for (int piece = 0; offset < stream.length && status == Status.NEED_MORE; piece++) {
				int length = Math.min(splits.piece(piece), stream.length - offset);
				status = decoder.decode(stream, offset, length);
				offset += length;
				assertThat(decoder.bufferedBytes()).isLessThanOrEqualTo(Math.max(MAX_LENGTH, offset));
			}
			if (status == Status.NEED_MORE) {
				decoder.endOfStream();
			}
			return new Outcome(status, decoder.header(), null);
		}
		catch (ProxyProtocolException ex) {
			assertThat(decoder.bufferedBytes()).isZero();
			return new Outcome(null, null, ex.getKind());
		}
	}

	/** A header's addresses, written again in its version, decode to the same. */
	private static void assertWritesBackAlike(ProxyHeader header) throws ProxyProtocolException {
		byte[] again = (header.version() == 1) ? ProxyHeaderEncoder.v1(header.source(), header.destination())
				: ProxyHeaderEncoder.v2(header.source(), header.destination());
		ProxyHeaderDecoder decoder = new ProxyHeaderDecoder();
		assertThat(decoder.decode(again, 0, again.length)).as(new String(again, StandardCharsets.ISO_8859_1))
			.isEqualTo(Status.COMPLETE);
		assertThat(decoder.header().source()).isEqualTo(header.source());
		assertThat(decoder.header().destination()).isEqualTo(header.destination());
	}

	private static InetAddress address(byte[] bytes, boolean ipv6) {
		try {
			return InetAddress.getByAddress(Arrays.copyOf(bytes, ipv6 ? 16 : 4));
		}
		catch (UnknownHostException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * How a decoder ended: its status and header, or the kind of error (with a null
	 * status).
	 */
	record Outcome(Status status, ProxyHeader header, Kind failure) {
	}

}
