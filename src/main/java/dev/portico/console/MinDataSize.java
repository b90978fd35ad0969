package dev.portico.console;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;

import org.springframework.util.unit.DataSize;

/** A {@link DataSize} of at least {@link #value()} bytes. */
@Documented
@Constraint(validatedBy = MinDataSize.Validator.class)
@Target({ ElementType.FIELD, ElementType.PARAMETER, ElementType.METHOD, ElementType.RECORD_COMPONENT })
@Retention(RetentionPolicy.RUNTIME)
@interface MinDataSize {

	/** The least number of bytes. */
	long value();

	String message() default "must be at least {value} bytes";

	Class<?>[] groups() default {};

	Class<? extends Payload>[] payload() default {};

	/** Checks the size. */
	class Validator implements ConstraintValidator<MinDataSize, DataSize> {

		private long min;

		@Override
		public void initialize(MinDataSize annotation) {
			this.min = annotation.value();
		}

		@Override
		public boolean isValid(DataSize value, ConstraintValidatorContext context) {
			return value == null || value.toBytes() >= this.min;
		}

	}

}
