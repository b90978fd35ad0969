package dev.portico.listener;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns an {@link InvalidConfigurationException} into Boot's start-up failure report. */
class InvalidConfigurationFailureAnalyzer extends AbstractFailureAnalyzer<InvalidConfigurationException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InvalidConfigurationException cause) {
		return new FailureAnalysis("Invalid configuration value:\n\n    Property: " + cause.key() + "\n    Value: "
				+ cause.value() + "\n    Reason: " + cause.reason(),
				"Correct " + cause.key() + " in config/application.yml (or the environment variable or argument that"
						+ " sets it)",
				cause);
	}

}
