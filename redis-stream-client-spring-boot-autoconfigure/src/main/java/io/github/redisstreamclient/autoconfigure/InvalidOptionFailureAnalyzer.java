package io.github.redisstreamclient.autoconfigure;

import io.github.redisstreamclient.core.InvalidOptionException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a startup that failed on an option the core rejected, in the words of {@code application.yml}: the
 * property that sets the option, why the value does not work, and one that does. The option may also come from a
 * customizer or from a bean the application built itself; the action says so.
 */
class InvalidOptionFailureAnalyzer extends AbstractFailureAnalyzer<InvalidOptionException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InvalidOptionException cause) {
		String value = InvalidOptionException.format(cause.value());
		String property = OptionProperties.property(cause.option());
		if (property == null) {
			return new FailureAnalysis("Invalid value '" + value + "' for option '" + cause.option() + "': "
					+ cause.getMessage(), "Change the code that sets " + cause.option() + ", e.g. to "
							+ cause.example(),
					cause);
		}
		return new FailureAnalysis(
				"Invalid value '" + value + "' for property '" + property + "': "
						+ OptionProperties.inPropertyNames(cause.getMessage(), OptionProperties.ALL),
				"Set " + property + " to e.g. " + cause.example() + " (or, if a customizer or a bean of your own sets "
						+ cause.option() + ", change it there)",
				cause);
	}

}
