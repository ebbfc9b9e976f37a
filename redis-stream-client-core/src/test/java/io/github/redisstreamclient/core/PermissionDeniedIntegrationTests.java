package io.github.redisstreamclient.core;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import io.github.redisstreamclient.core.StreamNotification.Type;
import io.github.redisstreamclient.test.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.dao.PermissionDeniedDataAccessException;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A user that lacks one permission of the documented ownership rule: the client says which command, key or
 * channel and what to grant, at {@code start()} where it can, else by terminating with that reason, and never
 * retries a refusal.
 */
class PermissionDeniedIntegrationTests {

	private static RedisServer redis;

	private final String service = "svc-" + UUID.randomUUID();

	private final String user = "denied-" + UUID.randomUUID().toString().substring(0, 8);

	private final String password = "pw-" + UUID.randomUUID();

	@BeforeAll
	static void startRedis() {
		DocumentedAclRules.assumeRedis7();
		redis = RedisServer.builder().tls().args("--notify-keyspace-events", "Ex").start();
	}

	@AfterAll
	static void stopRedis() {
		if (redis != null) {
			redis.close();
		}
	}

	private LettuceConnectionFactory userWithout(String token) {
		String rule = DocumentedAclRules.rule("ownership", Map.of("user", this.user, "password", this.password,
				"service", this.service, "data-streams", this.service + "-data-*", "db", "0"));
		redis.setUser(DocumentedAclRules.without(rule, token.replace("<service>", this.service)));
		return redis.connectionFactory(this.user, this.password);
	}

	private RecoverableStreamClient.Builder client(LettuceConnectionFactory factory) {
		return RecoverableStreamClient.builder(factory, this.service)
			.consumerId("c")
			.leaseTtl(Duration.ofMillis(1000))
			.lbsIdleTime(Duration.ofMillis(3000))
			.lbsBlockTime(Duration.ofMillis(200))
			.sweepInterval(Duration.ofMillis(500));
	}

	@Test
	void startFailsNamingTheGroupCommandAndItsCategory() {
		RecoverableStreamClient client = client(userWithout("+xgroup|create")).build();

		assertThatThrownBy(client::start).isInstanceOf(PermissionDeniedDataAccessException.class)
			.hasMessageContaining("refused the command 'xgroup|create'")
			.hasMessageContaining("Grant +xgroup|create or the @stream category")
			.hasMessageContaining("'" + this.service + "-input'")
			.satisfies((ex) -> System.out.println("NOPERM at start: " + ex.getMessage()));
		assertThat(client.isRunning()).isFalse();
	}

	@Test
	void startFailsWhenTheUserMayNotReadTheLbs() {
		RecoverableStreamClient client = client(userWithout("+xreadgroup")).build();

		assertThatThrownBy(client::start).isInstanceOf(PermissionDeniedDataAccessException.class)
			.hasMessageContaining("refused the command 'xreadgroup'")
			.hasMessageContaining("Grant +xreadgroup or the @stream category");
	}

	@Test
	void startFailsNamingTheKeyWhenTheLbsIsOutsideTheKeyPatterns() {
		RecoverableStreamClient client = client(userWithout("~<service>-input")).build();

		assertThatThrownBy(client::start).isInstanceOf(PermissionDeniedDataAccessException.class)
			.hasMessageContaining("refused a key (XGROUP CREATE of group '" + this.service + "-group' on '"
					+ this.service + "-input'")
			.hasMessageContaining("Add a key pattern that matches it: ACL SETUSER <user> ~<pattern>")
			.satisfies((ex) -> System.out.println("NOPERM for a key at start: " + ex.getMessage()));
	}

	@Test
	void aCommandRefusedInsideAScriptEndsTheReaderWithStreamTerminatedInsteadOfRetrying() {
		TestConsumer consumer = TestConsumer.start(userWithout("+incrby"), this.service, "c", (b) -> b);
		try {
			LoadBalancerStream.of(redis.connectionFactory(), this.service).add("session-1");

			await().atMost(Duration.ofSeconds(10)).until(() -> !consumer.of(Type.STREAM_TERMINATED).isEmpty());
			String reason = consumer.of(Type.STREAM_TERMINATED).get(0).reason();
			System.out.println("STREAM_TERMINATED: " + reason);
			assertThat(reason).contains("stopped reading, a missing permission is not retried")
				.contains("refused the command 'incrby' (INCRBY at assign.lua line 10, called for recording the owner of "
						+ "new entries of")
				.contains("Grant +incrby or the @string category");
			assertThat(consumer.client.isTerminated()).isTrue();
			assertThat(consumer.client.terminationReason()).isEqualTo(reason);
			assertThat(consumer.client.isReading()).isFalse();
			long reads = xreadgroupCalls();
			await().during(Duration.ofMillis(1000)).atMost(Duration.ofSeconds(2)).until(() -> xreadgroupCalls() == reads);
		}
		finally {
			consumer.close();
		}
	}

	@Test
	void refusedRenewalsTerminateTheClientNamingTheCommand() {
		try (TestConsumer consumer = TestConsumer.start(userWithout("+pexpire"), this.service, "c", (b) -> b)) {
			LoadBalancerStream.of(redis.connectionFactory(), this.service).add("session-1");

			// The notification follows the state, on the notification thread.
			await().atMost(Duration.ofSeconds(10)).until(() -> consumer.client.isTerminated()
					&& !consumer.of(Type.STREAM_TERMINATED).isEmpty());
			assertThat(consumer.of(Type.STREAM_TERMINATED)).singleElement()
				.satisfies((n) -> assertThat(n.reason()).contains("stopped renewing")
					.contains("PEXPIRE at session-renew.lua line")
					.contains("Grant +pexpire or the @keyspace category"));
		}
	}

	@Test
	void startFailsNamingTheChannelWhenTheReleasedChannelIsNotGranted() {
		RecoverableStreamClient client = client(userWithout("&<service>-released")).build();

		assertThatThrownBy(client::start).isInstanceOf(PermissionDeniedDataAccessException.class)
			.hasMessageContaining("refused a channel")
			.hasMessageContaining("Add a channel pattern that matches it")
			.satisfies((ex) -> System.out.println("NOPERM for a channel at start: " + ex.getMessage()));
	}

	@Test
	void forceWithoutConfigKeepsItsOwnAdviceAndNamesTheGrant() {
		// The documented rule has no CONFIG; +xrange is only dropped to build a user from it.
		RecoverableStreamClient client = client(userWithout("+xrange"))
			.keyspaceNotifications(KeyspaceNotifications.FORCE)
			.build();

		assertThatThrownBy(client::start).isInstanceOf(IllegalStateException.class)
			.hasMessageContaining("keyspaceNotifications is FORCE")
			.hasMessageContaining("use AUTO or OFF")
			.hasMessageContaining("Grant +config|set or the @admin category");
	}

	private static long xreadgroupCalls() {
		String stats = (String) redis.command("INFO", "commandstats");
		for (String line : stats.split("\r?\n")) {
			if (line.startsWith("cmdstat_xreadgroup:")) {
				return Long.parseLong(line.replaceAll(".*\\bcalls=(\\d+).*", "$1"));
			}
		}
		return 0;
	}

}
