package dev.portico.web;

import java.util.regex.Pattern;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import dev.portico.listener.InputText;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzz test of what the API does with hostile header and body text: an {@code Origin} or
 * {@code Referer} value is either refused (null) or reduced to one canonical
 * {@code scheme://host:port} that a second pass leaves alone, never an exception; text
 * quoted back in a problem is short and free of control characters.
 */
class CrossSiteOriginFuzzTests {

	private static final Pattern CANONICAL = Pattern.compile("https?://[^/?#]+:\\d+");

	@FuzzTest(maxDuration = "5m")
	void shouldReduceAnyOriginToOneCanonicalFormOrRefuseIt(FuzzedDataProvider data) {
		String value = data.consumeRemainingAsString();
		String origin = CrossSiteWriteFilter.origin(value);
		if (origin != null) {
			assertThat(origin).matches(CANONICAL);
			assertThat(CrossSiteWriteFilter.origin(origin)).isEqualTo(origin);
		}
		String quoted = InputText.quote(value);
		assertThat(quoted.length()).isLessThanOrEqualTo(InputText.MAX * 2 + 30);
		assertThat(quoted.codePoints().noneMatch(Character::isISOControl)).isTrue();
	}

}
