package dev.portico.tcp;

import java.net.InetAddress;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import dev.portico.protocol.IpAddressText;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class CidrBlockTests {

	@ParameterizedTest
	@CsvSource({ "127.0.0.0/8, 127.0.0.1, true", "127.0.0.0/8, 127.255.255.254, true", "127.0.0.0/8, 128.0.0.1, false",
			"10.1.2.0/23, 10.1.3.255, true", "10.1.2.0/23, 10.1.4.0, false", "0.0.0.0/0, 203.0.113.9, true",
			"192.0.2.7, 192.0.2.7, true", "192.0.2.7, 192.0.2.8, false", "::1/128, ::1, true", "::1/128, ::2, false",
			"fd00::/8, fd12:3456::1, true", "fd00::/8, fe80::1, false", "127.0.0.0/8, ::ffff:127.0.0.1, true",
			"127.0.0.0/8, ::1, false", "::/0, 2001:db8::1, true", "::/0, 192.0.2.1, false" })
	void shouldMatchAddressesInsideTheBlockOnly(String block, String address, boolean inside) throws Exception {
		InetAddress peer = InetAddress.getByAddress(IpAddressText.parse(address));

		assertThat(CidrBlock.parse(block).contains(peer)).isEqualTo(inside);
	}

	@ParameterizedTest
	@ValueSource(strings = { "10.0.0.0/33", "::/129", "10.0.0.0/-1", "10.0.0.0/", "10.0.0/8", "lb.example.org",
			"10.0.0.0/8x", "", "/8", "10.0.0.0/0008" })
	void shouldRefuseWhatIsNotCidrSayingWhy(String text) {
		assertThatIllegalArgumentException().isThrownBy(() -> CidrBlock.parse(text))
			.withMessageContaining("'" + text.trim() + "'");
	}

	@ParameterizedTest
	@ValueSource(strings = { " 10.0.0.0/8", "10.0.0.0/8 " })
	void shouldIgnoreSpacesAroundABlockAsAListWritesThem(String text) {
		assertThat(CidrBlock.parse(text).toString()).isEqualTo("10.0.0.0/8");
	}

}
