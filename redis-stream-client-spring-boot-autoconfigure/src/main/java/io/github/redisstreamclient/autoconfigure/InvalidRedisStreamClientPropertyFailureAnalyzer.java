package io.github.redisstreamclient.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a startup that failed on an invalid {@code redis-stream-client.*} property: which property, why, and a
 * value that works.
 */
class InvalidRedisStreamClientPropertyFailureAnalyzer
		extends AbstractFailureAnalyzer<InvalidRedisStreamClientPropertyException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InvalidRedisStreamClientPropertyException cause) {
		return new FailureAnalysis(cause.getMessage(), cause.getAction(), cause);
	}

}
