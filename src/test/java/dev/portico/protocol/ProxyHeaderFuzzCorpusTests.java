package dev.portico.protocol;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.portico.protocol.ProxyHeader.Family;
import dev.portico.protocol.ProxyHeaderDecoder.Status;
import dev.portico.protocol.ProxyHeaderFuzzTests.Outcome;
import dev.portico.protocol.ProxyProtocolException.Kind;
import dev.portico.protocol.SearchFrameFuzzTests.Splits;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checks that the seed corpus of {@link ProxyHeaderFuzzTests} holds what its file names
 * say: a seed that no longer reaches its header or its error would still pass the fuzz
 * test's agreement check.
 */
class ProxyHeaderFuzzCorpusTests {

	private static final String DIR = "ProxyHeaderFuzzTestsInputs/shouldDecodeAlikeWhenBytesArriveInAnySplit/";

	static Stream<Arguments> seeds() {
		Map<String, Object> expected = new LinkedHashMap<>();
		expected.put("v1-tcp4", Family.INET);
		expected.put("v1-tcp4-byte-by-byte", Family.INET);
		expected.put("v1-tcp6", Family.INET6);
		expected.put("v1-tcp6-mapped", Family.INET6);
		expected.put("v1-unknown", Family.UNSPEC);
		expected.put("v1-unknown-with-addresses", Family.UNSPEC);
		expected.put("v1-107-bytes", Family.UNSPEC);
		expected.put("v1-no-crlf-within-107", Kind.TOO_LONG);
		expected.put("v1-bare-lf", Kind.MALFORMED);
		expected.put("v1-double-space", Kind.MALFORMED);
		expected.put("v1-missing-port", Kind.MALFORMED);
		expected.put("v1-bad-protocol", Kind.MALFORMED);
		expected.put("v1-bad-ipv4", Kind.MALFORMED);
		expected.put("v1-ipv6-as-tcp4", Kind.MALFORMED);
		expected.put("v1-host-name", Kind.MALFORMED);
		expected.put("v1-port-too-large", Kind.MALFORMED);
		expected.put("v1-not-ascii", Kind.MALFORMED);
		expected.put("v1-truncated", Kind.TRUNCATED);
		expected.put("v2-inet", Family.INET);
		expected.put("v2-inet-byte-by-byte", Family.INET);
		expected.put("v2-inet6", Family.INET6);
		expected.put("v2-inet6-odd-pieces", Family.INET6);
		expected.put("v2-local", Family.UNSPEC);
		expected.put("v2-local-with-block", Family.UNSPEC);
		expected.put("v2-unspec", Family.UNSPEC);
		expected.put("v2-unix", Family.UNIX);
		expected.put("v2-inet-tlvs", Family.INET);
		expected.put("v2-tlv-overrun", Kind.MALFORMED);
		expected.put("v2-tlv-cut", Kind.MALFORMED);
		expected.put("v2-version-1", Kind.MALFORMED);
		expected.put("v2-command-2", Kind.MALFORMED);
		expected.put("v2-family-4", Kind.MALFORMED);
		expected.put("v2-transport-3", Kind.MALFORMED);
		expected.put("v2-inet-short-block", Kind.MALFORMED);
		expected.put("v2-oversized", Kind.TOO_LONG);
		expected.put("v2-over-fuzz-max", Kind.TOO_LONG);
		expected.put("v2-at-fuzz-max", Family.INET);
		expected.put("v2-truncated", Kind.TRUNCATED);
		expected.put("tls-client-hello", Status.NOT_A_HEADER);
		expected.put("http-request", Status.NOT_A_HEADER);
		expected.put("almost-v1", Status.NOT_A_HEADER);
		expected.put("almost-v2", Status.NOT_A_HEADER);
		expected.put("empty-stream", Status.NEED_MORE);
		return expected.entrySet().stream().map((entry) -> Arguments.of(entry.getKey(), entry.getValue()));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("seeds")
	void shouldDecodeSeedAsItsNameSaysWhenReplayed(String name, Object expected) throws IOException {
		Splits splits = Splits.ofSeed(getClass(), DIR + name);
		Outcome incremental = ProxyHeaderFuzzTests.decodeIncrementally(splits.payload(), splits);
		Outcome whole = ProxyHeaderFuzzTests.decodeIncrementally(splits.payload(), Splits.of(new byte[] { 0 }));
		assertThat(incremental).isEqualTo(whole);
		if (expected instanceof Kind kind) {
			assertThat(incremental.failure()).isEqualTo(kind);
		}
		else if (expected instanceof Family family) {
			assertThat(incremental.status()).isEqualTo(Status.COMPLETE);
			assertThat(incremental.header().family()).isEqualTo(family);
		}
		else {
			assertThat(incremental.status()).isEqualTo(expected);
		}
	}

}
