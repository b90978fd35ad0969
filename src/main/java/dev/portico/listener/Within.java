package dev.portico.listener;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.time.Duration;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;

import org.springframework.boot.convert.DurationStyle;
import org.springframework.util.unit.DataSize;

/**
 * A {@link Duration} or {@link DataSize} from zero (or a given minimum) up to a maximum,
 * written as configuration writes it ({@code "1d"}, {@code "64MB"}): every duration and
 * size key has a sane upper bound, so that no value can overflow where it is used (a
 * timeout turned into nanoseconds) or ask for more memory than a process has.
 */
@Documented
@Constraint(validatedBy = Within.Validator.class)
@Target({ ElementType.FIELD, ElementType.PARAMETER, ElementType.METHOD, ElementType.RECORD_COMPONENT })
@Retention(RetentionPolicy.RUNTIME)
public @interface Within {

	/** The largest value accepted, e.g. {@code "7d"} or {@code "1GB"}. */
	String max();

	/** The smallest value accepted; default 0. */
	String min() default "0";

	String message() default "must be between {min} and {max}";

	Class<?>[] groups() default {};

	Class<? extends Payload>[] payload() default {};

	/** Checks durations and data sizes. */
	class Validator implements ConstraintValidator<Within, Object> {

		private String max;

		private String min;

		@Override
		public void initialize(Within annotation) {
			this.max = annotation.max();
			this.min = annotation.min();
		}

		@Override
		public boolean isValid(Object value, ConstraintValidatorContext context) {
			if (value instanceof Duration duration) {
				return !duration.isNegative() && duration.compareTo(DurationStyle.detectAndParse(this.min)) >= 0
						&& duration.compareTo(DurationStyle.detectAndParse(this.max)) <= 0;
			}
			if (value instanceof DataSize size) {
				return !size.isNegative() && size.toBytes() >= DataSize.parse(this.min).toBytes()
						&& size.toBytes() <= DataSize.parse(this.max).toBytes();
			}
			return true;
		}

	}

}
