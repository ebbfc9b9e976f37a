package io.github.redisstreamclient.test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer.OrderAnnotation;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;

@RedisTest(args = { "--appendonly", "yes", "--appendfsync", "always" })
@TestMethodOrder(OrderAnnotation.class)
class RedisServerExtensionIntegrationTests {

	private static RedisServer beforeAllServer;

	private static LettuceConnectionFactory firstTestFactory;

	private final RedisServer constructorServer;

	RedisServerExtensionIntegrationTests(RedisServer server) {
		this.constructorServer = server;
	}

	@BeforeAll
	static void captureServer(RedisServer server) {
		beforeAllServer = server;
	}

	@Test
	@Order(1)
	void injectsOneServerPerClassAndAFactoryForIt(RedisServer server, LettuceConnectionFactory factory) {
		assertThat(server).isSameAs(beforeAllServer).isSameAs(this.constructorServer);
		assertThat(server.isRunning()).isTrue();
		assertThat(server.command("CONFIG", "GET", "appendonly")).isEqualTo(List.of("appendonly", "yes"));
		assertThat(factory.getStandaloneConfiguration().getPort()).isEqualTo(server.port());
		try (RedisConnection connection = factory.getConnection()) {
			connection.stringCommands().set(bytes("written-before-kill"), bytes("yes"));
		}
		firstTestFactory = factory;
		server.kill();
	}

	@Test
	@Order(2)
	void nextTestGetsTheKilledServerRestartedAndAFreshFactory(RedisServer server, LettuceConnectionFactory factory) {
		assertThat(server).isSameAs(beforeAllServer);
		assertThat(server.isRunning()).isTrue();
		assertThat(firstTestFactory.isRunning()).as("factory of the previous test destroyed").isFalse();
		assertThat(factory).isNotSameAs(firstTestFactory);
		try (RedisConnection connection = factory.getConnection()) {
			assertThat(connection.stringCommands().get(bytes("written-before-kill"))).isEqualTo(bytes("yes"));
		}
		server.suspend();
	}

	@Test
	@Order(3)
	void nextTestGetsASuspendedServerResumed(RedisServer server) {
		assertThat(server.isSuspended()).isFalse();
		assertThat(server.command("PING")).isEqualTo("PONG");
	}

	@Nested
	class NestedTests {

		@Test
		void nestedClassSharesTheEnclosingServer(RedisServer server) {
			assertThat(server).isSameAs(beforeAllServer);
			assertThat(server.command("CONFIG", "GET", "appendfsync")).isEqualTo(List.of("appendfsync", "always"));
		}

	}

	private static byte[] bytes(String value) {
		return value.getBytes(StandardCharsets.UTF_8);
	}

}
