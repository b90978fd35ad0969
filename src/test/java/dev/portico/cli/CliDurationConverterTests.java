package dev.portico.cli;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

import dev.portico.cli.support.DurationConverter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** The duration forms every option taking a time accepts. */
class CliDurationConverterTests {

	private final DurationConverter converter = new DurationConverter();

	@Test
	void shouldReadMillisecondsSecondsAndMinutesWhenGivenAUnit() {
		assertThat(this.converter.convert("500ms")).isEqualTo(Duration.ofMillis(500));
		assertThat(this.converter.convert("10s")).isEqualTo(Duration.ofSeconds(10));
		assertThat(this.converter.convert("2m")).isEqualTo(Duration.ofMinutes(2));
		assertThat(this.converter.convert(" 10S ")).isEqualTo(Duration.ofSeconds(10));
	}

	@Test
	void shouldReadSecondsWhenGivenABareNumber() {
		assertThat(this.converter.convert("5")).isEqualTo(Duration.ofSeconds(5));
		assertThat(this.converter.convert("0")).isEqualTo(Duration.ZERO);
	}

	@Test
	void shouldReadFractionsOfASecond() {
		assertThat(this.converter.convert("1.5s")).isEqualTo(Duration.ofMillis(1500));
		assertThat(this.converter.convert("0.25")).isEqualTo(Duration.ofMillis(250));
	}

	@Test
	void shouldNameTheValueAndShowExamplesWhenItIsNotADuration() {
		assertThatExceptionOfType(TypeConversionException.class).isThrownBy(() -> this.converter.convert("10 sec"))
			.withMessage("'10 sec' is not a duration (examples: 500ms, 10s, 2m)");
		assertThatExceptionOfType(TypeConversionException.class).isThrownBy(() -> this.converter.convert("1.5ms"));
	}

	@Test
	void shouldFormatADurationAsAUserTypesIt() {
		assertThat(DurationConverter.format(Duration.ofSeconds(5))).isEqualTo("5s");
		assertThat(DurationConverter.format(Duration.ofMillis(500))).isEqualTo("500ms");
	}

}
