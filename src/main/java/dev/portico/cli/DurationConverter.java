package dev.portico.cli;

import java.time.Duration;
import java.util.Locale;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads durations such as {@code 500ms}, {@code 10s}, {@code 2m} or a bare number of
 * seconds.
 */
public class DurationConverter implements ITypeConverter<Duration> {

	@Override
	public Duration convert(String value) {
		String v = value.trim().toLowerCase(Locale.ROOT);
		try {
			if (v.endsWith("ms")) {
				return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
			}
			if (v.endsWith("s")) {
				return Duration.ofMillis(Math.round(Double.parseDouble(v.substring(0, v.length() - 1)) * 1000));
			}
			if (v.endsWith("m")) {
				return Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)) * 60);
			}
			return Duration.ofMillis(Math.round(Double.parseDouble(v) * 1000));
		}
		catch (NumberFormatException ex) {
			throw new TypeConversionException("'" + value + "' is not a duration (examples: 500ms, 10s, 2m)");
		}
	}

}
