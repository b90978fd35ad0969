package dev.portico.protocol;

import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** Expected strings are what CPython 3.11 prints for the same {@code json.dumps} call. */
class PythonJsonTests {

	@Test
	void shouldSeparateMembersLikePythonWhenCompact() {
		Map<String, Object> object = new LinkedHashMap<>();
		object.put("a", "x");
		object.put("b", 1);
		object.put("c", List.of(true, false));
		object.put("d", null);
		object.put("e", Map.of());
		object.put("f", List.of());
		object.put("g", new BigInteger("123456789012345678901234567890"));
		assertThat(PythonJson.write(object))
			.isEqualTo("{\"a\": \"x\", \"b\": 1, \"c\": [true, false], \"d\": null, \"e\": {}, \"f\": [], "
					+ "\"g\": 123456789012345678901234567890}");
	}

	@Test
	void shouldIndentLikePythonWhenIndentGiven() {
		Map<String, Object> object = new LinkedHashMap<>();
		object.put("a", "x");
		object.put("b", List.of(1, 2));
		assertThat(PythonJson.write(object, 2)).isEqualTo("{\n  \"a\": \"x\",\n  \"b\": [\n    1,\n    2\n  ]\n}");
		assertThat(PythonJson.write(Map.of(), 2)).isEqualTo("{}");
	}

	@Test
	void shouldEscapeOnlyWhatPythonEscapesWhenEnsureAsciiIsOff() {
		// json.dumps("\" \\ \n \r \t \b \f \x00 \x1f \x7f \u00e9 \u2028 \u2029
		// \U0001f436", ensure_ascii=False)
		String value = "\" \\ \n \r \t \b \f \u0000 \u001f \u007f \u00e9 \u2028 \u2029 \uD83D\uDC36";
		assertThat(PythonJson.write(value))
			.isEqualTo("\"\\\" \\\\ \\n \\r \\t \\b \\f \\u0000 \\u001f \u007f \u00e9 \u2028 \u2029 \uD83D\uDC36\"");
	}

	@Test
	void shouldEscapeLoneSurrogatesWhenStringIsNotValidUnicode() {
		assertThat(PythonJson.write("a\uD800b\uDC00")).isEqualTo("\"a\\ud800b\\udc00\"");
		assertThat(PythonJson.write("\uDC36\uD83D")).isEqualTo("\"\\udc36\\ud83d\"");
	}

	@Test
	void shouldRefuseFloatsWhenPythonWouldFormatThemDifferently() {
		assertThatIllegalArgumentException().isThrownBy(() -> PythonJson.write(Map.of("x", 1.5)));
		assertThatIllegalArgumentException().isThrownBy(() -> PythonJson.write(Map.of(1, "x")));
	}

}
