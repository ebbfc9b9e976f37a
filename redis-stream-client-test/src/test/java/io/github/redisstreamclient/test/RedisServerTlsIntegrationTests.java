package io.github.redisstreamclient.test;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class RedisServerTlsIntegrationTests {

	@BeforeAll
	static void requireTls() {
		assumeTrue(RedisServer.supportsTls(), () -> RedisServer.binary() + " (Redis " + RedisServer.version()
				+ ") was built without TLS; install a redis-server with TLS or set -D" + RedisServer.BINARY_PROPERTY);
	}

	@Test
	void tlsServerSpeaksOnlyTlsAndTrustsItsOwnCa() throws IOException {
		try (RedisServer redis = RedisServer.startTls()) {
			assertThat(redis.isTls()).isTrue();
			assertThat(redis.uri()).isEqualTo("rediss://127.0.0.1:" + redis.port());
			assertThat(redis.tls().caCertificatePem()).startsWith("-----BEGIN CERTIFICATE-----");
			assertThat(redis.command("PING")).isEqualTo("PONG");
			assertThat(redis.command("CONFIG", "GET", "port")).isEqualTo(List.of("port", "0"));

			LettuceConnectionFactory factory = redis.connectionFactory();
			try (RedisConnection connection = factory.getConnection()) {
				assertThat(connection.ping()).isEqualTo("PONG");
			}
			// A plain-text client gets no answer from a TLS port.
			try (Socket plain = new Socket("127.0.0.1", redis.port())) {
				plain.setSoTimeout(2000);
				plain.getOutputStream().write("*1\r\n$4\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII));
				assertThat(plain.getInputStream().read()).isEqualTo(-1);
			}
			catch (java.net.SocketTimeoutException | java.net.SocketException ex) {
				// Also fine: no PONG.
			}
		}
	}

	@Test
	void usersConnectWithTheirPasswordAndOnlyGetTheirRights() {
		try (RedisServer redis = RedisServer.builder().tls().user("orders", "orders-secret", "~orders:*", "+get").start()) {
			LettuceConnectionFactory orders = redis.connectionFactory("orders", "orders-secret");
			redis.command("SET", "orders:1", "one");
			try (RedisConnection connection = orders.getConnection()) {
				assertThat(connection.stringCommands().get("orders:1".getBytes(StandardCharsets.UTF_8)))
					.isEqualTo("one".getBytes(StandardCharsets.UTF_8));
				assertThatThrownBy(() -> connection.stringCommands()
					.set("orders:1".getBytes(StandardCharsets.UTF_8), "two".getBytes(StandardCharsets.UTF_8)))
					.hasStackTraceContaining("NOPERM");
			}
			LettuceConnectionFactory wrong = redis.connectionFactory("orders", "not-the-password");
			assertThatThrownBy(() -> wrong.getConnection().ping()).hasStackTraceContaining("WRONGPASS");
			// The users survive a restart: they live in the ACL file.
			redis.restart();
			assertThat(redis.command("ACL", "USERS")).isEqualTo(List.of("default", "orders"));
		}
	}

	@Test
	void passwordsAreStoredHashedAndMaskedInCommandLines() throws IOException {
		try (RedisServer redis = RedisServer.builder().user("orders", "orders-secret", "+get").start()) {
			assertThat(Files.readString(redis.dataDir().resolve("users.acl"))).doesNotContain("orders-secret");
		}
		assertThat(RedisServer.redacted(List.of("redis-server", "--requirepass", "s3cret", "--port", "1")))
			.containsExactly("redis-server", "--requirepass", "******", "--port", "1");
		assertThatThrownBy(() -> RedisServer.start("--requirepass", "s3cret-value", "--no-such-option", "x"))
			.isInstanceOf(IllegalStateException.class)
			.satisfies((ex) -> assertThat(ex.getMessage()).doesNotContain("s3cret-value"));
	}

}
