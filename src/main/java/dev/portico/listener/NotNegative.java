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

import org.springframework.util.unit.DataSize;

/** A {@link Duration} or {@link DataSize} that is zero or more. */
@Documented
@Constraint(validatedBy = NotNegative.Validator.class)
@Target({ ElementType.FIELD, ElementType.PARAMETER, ElementType.METHOD, ElementType.RECORD_COMPONENT })
@Retention(RetentionPolicy.RUNTIME)
public @interface NotNegative {

	String message() default "must not be negative";

	Class<?>[] groups() default {};

	Class<? extends Payload>[] payload() default {};

	/** Checks durations and data sizes. */
	class Validator implements ConstraintValidator<NotNegative, Object> {

		@Override
		public boolean isValid(Object value, ConstraintValidatorContext context) {
			if (value instanceof Duration duration) {
				return !duration.isNegative();
			}
			if (value instanceof DataSize size) {
				return !size.isNegative();
			}
			return true;
		}

	}

}
