package dev.portico.cli.support;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import org.springframework.boot.convert.DurationStyle;

/**
 * Reads durations as Spring Boot reads them in configuration ({@code 500ms}, {@code 10s},
 * {@code 2m}; a bare number is seconds), and fractions of a second ({@code 1.5s},
 * {@code 0.5}).
 */
public class DurationConverter implements ITypeConverter<Duration> {

	/**
	 * Boot's simple form takes whole numbers only; the command line has always taken
	 * these too.
	 */
	private static final Pattern FRACTIONAL_SECONDS = Pattern.compile("([+-]?(?:\\d+\\.\\d*|\\.\\d+))s?",
			Pattern.CASE_INSENSITIVE);

	@Override
	public Duration convert(String value) {
		String text = value.trim();
		try {
			return DurationStyle.detectAndParse(text, ChronoUnit.SECONDS);
		}
		catch (IllegalArgumentException ex) {
			Matcher fraction = FRACTIONAL_SECONDS.matcher(text);
			if (fraction.matches()) {
				return Duration.ofMillis(new BigDecimal(fraction.group(1)).movePointRight(3)
					.setScale(0, RoundingMode.HALF_UP)
					.longValueExact());
			}
			throw new TypeConversionException("'" + value + "' is not a duration (examples: 500ms, 10s, 2m)");
		}
	}

	/** {@code duration} in the form a user types: {@code 5s}, {@code 500ms}. */
	public static String format(Duration duration) {
		ChronoUnit unit = (duration.toMillis() % 1000 == 0) ? ChronoUnit.SECONDS : ChronoUnit.MILLIS;
		return DurationStyle.SIMPLE.print(duration, unit);
	}

}
