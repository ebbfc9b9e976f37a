package io.github.redisstreamclient.test;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RedisServerIntegrationTests {

	@Test
	void startsOnFreePortAndServesThroughConnectionFactory() {
		Path dataDir;
		long pid;
		try (RedisServer redis = RedisServer.start()) {
			assertThat(redis.isRunning()).isTrue();
			assertThat(redis.host()).isEqualTo("127.0.0.1");
			assertThat(redis.uri()).isEqualTo("redis://127.0.0.1:" + redis.port());
			assertThat(redis.port()).isNotEqualTo(6379);
			dataDir = redis.dataDir();
			pid = redis.pid();
			assertThat(dataDir.resolve("redis.log")).exists();

			LettuceConnectionFactory factory = redis.connectionFactory();
			try (RedisConnection connection = factory.getConnection()) {
				assertThat(connection.ping()).isEqualTo("PONG");
				connection.stringCommands().set(bytes("greeting"), bytes("hello"));
				assertThat(connection.stringCommands().get(bytes("greeting"))).isEqualTo(bytes("hello"));
			}
			assertThat(redis.command("GET", "greeting")).isEqualTo("hello");
		}
		assertThat(dataDir).doesNotExist();
		assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).isEmpty();
	}

	@Test
	void closeDestroysFactoriesAndIsIdempotent() {
		RedisServer redis = RedisServer.start();
		LettuceConnectionFactory factory = redis.connectionFactory();
		assertThat(factory.isRunning()).isTrue();
		redis.close();
		redis.close();
		assertThat(factory.isRunning()).isFalse();
		assertThat(redis.isRunning()).isFalse();
		assertThatThrownBy(() -> redis.command("PING")).isInstanceOf(IllegalStateException.class);
	}

	@Test
	void twoServersGetDifferentPortsAndData() {
		try (RedisServer first = RedisServer.start(); RedisServer second = RedisServer.start()) {
			assertThat(first.port()).isNotEqualTo(second.port());
			assertThat(first.dataDir()).isNotEqualTo(second.dataDir());
			first.command("SET", "k", "first");
			assertThat(second.command("GET", "k")).isNull();
		}
	}

	@Test
	void killRefusesConnectionsAndRestartKeepsFsyncedAofData() {
		try (RedisServer redis = RedisServer.start("--appendonly", "yes", "--appendfsync", "always")) {
			int port = redis.port();
			long pidBefore = redis.pid();
			redis.command("SET", "survivor", "yes");

			redis.kill();

			assertThat(redis.isRunning()).isFalse();
			assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(ConnectException.class);

			redis.restart();

			assertThat(redis.isRunning()).isTrue();
			assertThat(redis.port()).isEqualTo(port);
			assertThat(redis.pid()).isNotEqualTo(pidBefore);
			assertThat(redis.command("GET", "survivor")).isEqualTo("yes");
		}
	}

	@Test
	void withoutPersistenceRestartComesBackEmpty() {
		try (RedisServer redis = RedisServer.start()) {
			redis.command("SET", "lost", "yes");
			redis.restart();
			assertThat(redis.command("GET", "lost")).isNull();
		}
	}

	@Test
	void stopShutsDownGracefullyAndFlushesAof() {
		// everysec would lose the last write on a kill; a graceful SHUTDOWN must flush it.
		try (RedisServer redis = RedisServer.start("--appendonly", "yes", "--appendfsync", "everysec")) {
			redis.command("SET", "flushed", "yes");
			redis.stop();
			assertThat(redis.isRunning()).isFalse();
			assertThat(redis.dataDir().resolve("redis.log")).content().contains("ready to exit, bye bye");
			redis.restart();
			assertThat(redis.command("GET", "flushed")).isEqualTo("yes");
		}
	}

	@Test
	void suspendTimesOutCommandsUntilResume() {
		try (RedisServer redis = RedisServer.start()) {
			RedisClient client = RedisClient.create(redis.uri());
			try (StatefulRedisConnection<String, String> connection = client.connect()) {
				connection.setTimeout(Duration.ofMillis(500));
				assertThat(connection.sync().ping()).isEqualTo("PONG");

				redis.suspend();
				assertThat(redis.isSuspended()).isTrue();
				assertThatThrownBy(() -> connection.sync().set("k", "v"))
					.isInstanceOf(RedisCommandTimeoutException.class);

				redis.resume();
				assertThat(redis.isSuspended()).isFalse();
				assertThat(connection.sync().ping()).isEqualTo("PONG");
				assertThat(connection.sync().get("k")).isEqualTo("v");
			}
			finally {
				client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
			}
		}
	}

	@Test
	void pauseFreezesForTheDuration() {
		try (RedisServer redis = RedisServer.start()) {
			long start = System.nanoTime();
			redis.pause(Duration.ofMillis(300));
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
			assertThat(redis.isSuspended()).isFalse();
			assertThat(redis.command("PING")).isEqualTo("PONG");
		}
	}

	@Test
	void debugSleepBlocksForTheDuration() {
		try (RedisServer redis = RedisServer.start()) {
			long start = System.nanoTime();
			redis.debugSleep(Duration.ofMillis(700));
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(700));
		}
	}

	@Test
	void commandDecodesStatusBulkIntegerArrayAndNil() {
		try (RedisServer redis = RedisServer.start()) {
			assertThat(redis.command("CONFIG", "SET", "notify-keyspace-events", "Ex")).isEqualTo("OK");
			assertThat(redis.command("CONFIG", "GET", "notify-keyspace-events"))
				.isEqualTo(List.of("notify-keyspace-events", "xE"));
			assertThat(redis.command("CLIENT", "KILL", "TYPE", "pubsub")).isEqualTo(0L);
			assertThat(redis.command("GET", "missing")).isNull();

			String id = (String) redis.command("XADD", "s", "*", "f", "v");
			assertThat(redis.command("XLEN", "s")).isEqualTo(1L);
			assertThat(redis.command("XGROUP", "CREATE", "s", "g", "0")).isEqualTo("OK");
			assertThat(redis.command("XREADGROUP", "GROUP", "g", "c1", "COUNT", "10", "STREAMS", "s", ">"))
				.isEqualTo(List.of(List.of("s", List.of(List.of(id, List.of("f", "v"))))));
			assertThat(redis.command("XPENDING", "s", "g")).isEqualTo(List.of(1L, id, id, List.of(List.of("c1", "1"))));

			assertThat(redis.command("XGROUP", "CREATE", "s", "idle", "$")).isEqualTo("OK");
			assertThat(redis.command("XPENDING", "s", "idle")).isEqualTo(Arrays.asList(0L, null, null, null));
			assertThat(redis.command("XREADGROUP", "GROUP", "idle", "c1", "STREAMS", "s", ">")).isNull();
			if (RedisServer.majorVersion(RedisServer.version()) >= 7) {
				// Empty arrays followed by siblings must not swallow them.
				assertThat(redis.command("XAUTOCLAIM", "s", "idle", "c1", "0", "0-0"))
					.isEqualTo(List.of("0-0", List.of(), List.of()));
			}

			assertThatThrownBy(() -> redis.command("XLEN")).isInstanceOf(RedisCommandExecutionException.class)
				.hasMessageContaining("wrong number of arguments");
		}
	}

	@Test
	void commandWorksAgainAfterRestart() {
		try (RedisServer redis = RedisServer.start()) {
			assertThat(redis.command("PING")).isEqualTo("PONG");
			redis.kill();
			redis.restart();
			assertThat(redis.command("PING")).isEqualTo("PONG");
		}
	}

	@Test
	void extraArgsOverrideDefaults() {
		try (RedisServer redis = RedisServer.start("--rename-command", "CONFIG", "")) {
			assertThatThrownBy(() -> redis.command("CONFIG", "GET", "maxmemory"))
				.isInstanceOf(RedisCommandExecutionException.class)
				.hasMessageContaining("unknown command");
			assertThat(redis.command("PING")).isEqualTo("PONG");
		}
		try (RedisServer redis = RedisServer.start("--appendonly", "yes")) {
			assertThat(redis.command("CONFIG", "GET", "appendonly")).isEqualTo(List.of("appendonly", "yes"));
		}
	}

	@Test
	void failedStartReportsRedisOutput() {
		assertThatThrownBy(() -> RedisServer.start("--no-such-option", "1"))
			.isInstanceOf(IllegalStateException.class)
			.hasMessageContaining("exited")
			.hasMessageContaining("no-such-option");
	}

	@Test
	void versionIsParsedFromBinary() {
		assertThat(RedisServer.binary()).isRegularFile();
		assertThat(RedisServer.version()).matches("\\d+\\.\\d+\\.\\d+");
	}

	@Test
	void runsTheEmbeddedRedis62Binary() throws IOException {
		Path embedded = RedisServer.embeddedBinary();
		System.setProperty(RedisServer.BINARY_PROPERTY, embedded.toString());
		try (RedisServer redis = RedisServer.start("--appendonly", "yes", "--appendfsync", "always")) {
			assertThat(RedisServer.version()).startsWith("6.2");
			redis.command("SET", "k", "v");
			long start = System.nanoTime();
			redis.debugSleep(Duration.ofMillis(200));
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
			assertThat(redis.command("CONFIG", "GET", "save")).isEqualTo(List.of("save", ""));
			redis.kill();
			redis.restart();
			assertThat(redis.command("GET", "k")).isEqualTo("v");
		}
		finally {
			System.clearProperty(RedisServer.BINARY_PROPERTY);
		}
		assertThat(Files.isExecutable(embedded)).isTrue();
	}

	private static byte[] bytes(String value) {
		return value.getBytes(StandardCharsets.UTF_8);
	}

}
