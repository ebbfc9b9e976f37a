package io.github.redisstreamclient.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.redisstreamclient.autoconfigure.health.RedisStreamClientHealthAutoConfiguration;
import io.github.redisstreamclient.core.LoadBalancerStream;
import io.github.redisstreamclient.core.RecoverableStreamClient;
import io.github.redisstreamclient.spring.StreamAdded;
import io.github.redisstreamclient.spring.StreamAddedEvent;
import io.github.redisstreamclient.test.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The starter against a TLS-only Redis, configured the way a managed Redis is: {@code spring.data.redis.ssl} with
 * an SSL bundle that trusts the server's CA, and an ACL user with exactly the documented ownership rule.
 */
class TlsAndAclIntegrationTests {

	private static RedisServer redis;

	private final String service = "svc-" + UUID.randomUUID();

	private final String user = "app-" + UUID.randomUUID().toString().substring(0, 8);

	private final String password = "pw-" + UUID.randomUUID();

	@BeforeAll
	static void startRedis() {
		DocumentedAclRule.assumeTlsAndRedis7();
		redis = RedisServer.builder().tls().args("--notify-keyspace-events", "Ex").start();
	}

	@AfterAll
	static void stopRedis() {
		if (redis != null) {
			redis.close();
		}
	}

	@Test
	void aHandlerReceivesAStreamOverTlsAsTheDocumentedAclUser() {
		redis.setUser(DocumentedAclRule.ownership(this.user, this.password, this.service));
		redis.command("ACL", "LOG", "RESET");
		try (ConfigurableApplicationContext context = start()) {
			Handler handler = context.getBean(Handler.class);
			LoadBalancerStream.of(redis.connectionFactory(), this.service).add(this.service + "-data-1");

			await().atMost(Duration.ofSeconds(10)).until(() -> handler.added.contains(this.service + "-data-1"));
			assertThat(context.getBean(RecoverableStreamClient.class).isRunning()).isTrue();
			assertThat((String) redis.command("CLIENT", "LIST")).contains("user=" + this.user);
		}
		// Nothing refused but the CONFIG GET that notify-keyspace-events: auto tries once.
		assertThat(redis.aclLog()).filteredOn((entry) -> this.user.equals(entry.get("username")))
			.allSatisfy((entry) -> assertThat(entry.get("object")).isEqualTo("config|get"));
		// The server has no plain port: the application spoke TLS.
		assertThat(redis.command("CONFIG", "GET", "port")).isEqualTo(List.of("port", "0"));
	}

	@Test
	void healthIsDownNamingTheGrantWhenTheClientLacksAPermissionAtRuntime() {
		// Without INCRBY the client starts (only assign.lua uses it, when LBS entries arrive) and fails on the first
		// stream assigned to it. Not INCR: starting the session needs that.
		redis.setUser(DocumentedAclRule.ownership(this.user, this.password, this.service).replace(" +incrby ", " "));
		try (ConfigurableApplicationContext context = start()) {
			LoadBalancerStream.of(redis.connectionFactory(), this.service).add(this.service + "-data-1");
			HealthIndicator indicator = context.getBean("redisStreamClientHealthIndicator", HealthIndicator.class);

			await().atMost(Duration.ofSeconds(10)).until(() -> indicator.health().getStatus().equals(Status.DOWN));
			assertThat(String.valueOf(indicator.health().getDetails().get("reason")))
				.contains("Grant +incrby or the @string category");
		}
	}

	private ConfigurableApplicationContext start() {
		SpringApplication application = new SpringApplication(TlsApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		return application.run("--spring.data.redis.host=127.0.0.1", "--spring.data.redis.port=" + redis.port(),
				"--spring.data.redis.ssl.enabled=true", "--spring.data.redis.ssl.bundle=redis",
				"--spring.ssl.bundle.pem.redis.truststore.certificate=file:" + redis.tls().caCertificate(),
				"--spring.data.redis.username=" + this.user, "--spring.data.redis.password=" + this.password,
				"--spring.application.name=" + this.service, "--redis-stream-client.lease-ttl=1s",
				"--redis-stream-client.lbs.idle-time=3s", "--redis-stream-client.lbs.block-time=200ms");
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ SslAutoConfiguration.class, DataRedisAutoConfiguration.class,
			RedisStreamClientAutoConfiguration.class, RedisStreamClientHealthAutoConfiguration.class })
	static class TlsApplication {

		@Bean
		Handler handler() {
			return new Handler();
		}

	}

	static class Handler {

		final List<String> added = new CopyOnWriteArrayList<>();

		@StreamAdded
		void onAdded(StreamAddedEvent event) {
			this.added.add(event.streamName());
			event.done();
		}

	}

}
