package dev.portico.listener;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Reports a configured listener that cannot be used in the shape of Spring Boot's own
 * reports for invalid values: the property as the user wrote it, its value, and what to
 * write instead.
 */
class InvalidDefinitionFailureAnalyzer extends AbstractFailureAnalyzer<InvalidDefinitionException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InvalidDefinitionException cause) {
		return new FailureAnalysis(
				"Invalid configuration value:\n\n    Property: " + cause.configurationKey() + "\n    Value: "
						+ ((cause.value() != null) ? cause.value() : "(none)") + "\n    Reason: " + cause.reason(),
				"Correct " + cause.configurationKey()
						+ " in your application.yml (or the environment variable or argument that sets it)",
				cause);
	}

}
