package io.github.redisstreamclient.samples.consumer;

import io.github.redisstreamclient.test.RedisServerConfiguration;

import org.springframework.boot.SpringApplication;

/**
 * The sample at development time, with a {@code redis-server} of its own instead of the one {@code application.yml}
 * names: {@code ./mvnw -pl samples/consumer-app -am -DskipTests test-compile spring-boot:test-run}. Spring Boot's
 * pattern for Testcontainers, with a local process instead of a container.
 */
public final class TestConsumerApplication {

	private TestConsumerApplication() {
	}

	public static void main(String[] args) {
		SpringApplication.from(ConsumerApplication::main).with(RedisServerConfiguration.class).run(args);
	}

}
