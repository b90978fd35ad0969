package dev.portico.listener;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;

/**
 * An IPv4 or IPv6 address literal ({@code 0.0.0.0}, {@code 127.0.0.1}, {@code ::1}):
 * never a host name, so that a value taken from the API can never make the service look a
 * name up in DNS.
 */
@Documented
@Constraint(validatedBy = IpLiteral.Validator.class)
@Target({ ElementType.FIELD, ElementType.PARAMETER, ElementType.METHOD, ElementType.RECORD_COMPONENT })
@Retention(RetentionPolicy.RUNTIME)
public @interface IpLiteral {

	String message() default "must be an IP address such as 0.0.0.0, 127.0.0.1 or ::1 (not a host name)";

	Class<?>[] groups() default {};

	Class<? extends Payload>[] payload() default {};

	/** Accepts only literals; null is left to {@code @NotNull}. */
	class Validator implements ConstraintValidator<IpLiteral, String> {

		private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

		private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*(%[0-9A-Za-z]+)?");

		@Override
		public boolean isValid(String value, ConstraintValidatorContext context) {
			return value == null || isLiteral(value);
		}

		/** Whether {@code value} is an IP literal; never resolves a name. */
		public static boolean isLiteral(String value) {
			if (!IPV4.matcher(value).matches() && !IPV6.matcher(value).matches()) {
				return false;
			}
			try {
				// only literals get here, and InetAddress parses a literal without any
				// lookup
				InetAddress.getByName(value);
				return true;
			}
			catch (UnknownHostException ex) {
				return false;
			}
		}

	}

}
