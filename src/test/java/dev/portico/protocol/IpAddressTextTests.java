package dev.portico.protocol;

import java.net.InetAddress;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class IpAddressTextTests {

	@ParameterizedTest
	@ValueSource(strings = { "0.0.0.0", "127.0.0.1", "192.0.2.1", "255.255.255.255", "10.0.0.10" })
	void shouldParseIpv4LiteralsAsTheJdkDoes(String text) throws Exception {
		assertThat(IpAddressText.parse(text)).isEqualTo(InetAddress.getByName(text).getAddress());
	}

	@ParameterizedTest
	@ValueSource(strings = { "::", "::1", "1::", "2001:db8::1", "2001:DB8:0:0:0:0:0:1", "fe80::1:2:3:4",
			"1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7::", "::2:3:4:5:6:7:8", "1:2:3:4:5:6:1.2.3.4", "::1.2.3.4",
			"64:ff9b::192.0.2.33", "1::5:6:7:8", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff" })
	void shouldParseIpv6LiteralsAsTheJdkDoes(String text) throws Exception {
		byte[] expected = InetAddress.getByName(text).getAddress();

		assertThat(IpAddressText.parseIpv6(text)).hasSize(16);
		if (expected.length == 16) {
			assertThat(IpAddressText.parse(text)).isEqualTo(expected);
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "::ffff:192.0.2.1", "::ffff:c000:201" })
	void shouldKeepIpv4MappedIpv6AddressesAs16Bytes(String text) {
		byte[] bytes = IpAddressText.parseIpv6(text);

		assertThat(bytes).startsWith(new byte[10]).endsWith((byte) 0xFF, (byte) 0xFF, (byte) 192, 0, 2, 1);
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "1", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.04", "1..2.3", "1.2.3.",
			".1.2.3", "+1.2.3.4", "1.2.3.4 ", " 1.2.3.4", "1234.1.1.1", "a.b.c.d", "example.org", "localhost",
			"\u0661.2.3.4" })
	void shouldRefuseWhatIsNotAnIpv4Literal(String text) {
		assertThat(IpAddressText.parseIpv4(text)).isNull();
		assertThat(IpAddressText.parse(text)).isNull();
	}

	@ParameterizedTest
	@ValueSource(strings = { ":", ":::", "1:::2", "1::2::3", ":1", "1:", "1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8:9",
			"1:2:3:4:5:6:7:8::", "::1:2:3:4:5:6:7:8", "12345::", "g::", "[::1]", "fe80::1%eth0", "::1.2.3",
			"::256.1.1.1", "1.2.3.4::", "1:2:3:4:5:6:7:1.2.3.4", "::1.2.3.4:5", "abc", "\uFF11::" })
	void shouldRefuseWhatIsNotAnIpv6Literal(String text) {
		assertThat(IpAddressText.parseIpv6(text)).isNull();
	}

}
