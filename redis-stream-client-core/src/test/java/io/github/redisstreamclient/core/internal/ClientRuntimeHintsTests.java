package io.github.redisstreamclient.core.internal;

import java.io.IOException;

import org.junit.jupiter.api.Test;

import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.core.io.support.SpringFactoriesLoader;

import static org.assertj.core.api.Assertions.assertThat;

class ClientRuntimeHintsTests {

	@Test
	void everyLuaScriptIsRegisteredAsAResource() throws IOException {
		RuntimeHints hints = new RuntimeHints();
		new ClientRuntimeHints().registerHints(hints, getClass().getClassLoader());

		Resource[] scripts = new PathMatchingResourcePatternResolver()
			.getResources("classpath*:io/github/redisstreamclient/core/internal/scripts/*.lua");
		assertThat(scripts).hasSizeGreaterThanOrEqualTo(12);
		for (Resource script : scripts) {
			assertThat(RuntimeHintsPredicates.resource()
				.forResource("io/github/redisstreamclient/core/internal/scripts/" + script.getFilename()))
				.as(script.getFilename())
				.accepts(hints);
		}
	}

	@Test
	void springAotFindsTheRegistrar() {
		assertThat(SpringFactoriesLoader.forResourceLocation("META-INF/spring/aot.factories")
			.load(org.springframework.aot.hint.RuntimeHintsRegistrar.class))
			.anyMatch(ClientRuntimeHints.class::isInstance);
	}

}
