package io.github.redisstreamclient.autoconfigure;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import io.github.redisstreamclient.autoconfigure.endpoint.RedisStreamClientEndpointAutoConfiguration;
import io.github.redisstreamclient.autoconfigure.endpoint.RedisStreamsEndpoint;
import io.github.redisstreamclient.autoconfigure.health.RedisStreamClientHealthAutoConfiguration;
import io.github.redisstreamclient.core.LoadBalancerStream;
import io.github.redisstreamclient.core.RecoverableStreamClient;
import io.github.redisstreamclient.test.RedisServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.actuate.autoconfigure.context.properties.ConfigurationPropertiesReportEndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.env.EnvironmentEndpointAutoConfiguration;
import org.springframework.boot.actuate.context.properties.ConfigurationPropertiesReportEndpoint;
import org.springframework.boot.actuate.env.EnvironmentEndpoint;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.health.DataRedisHealthContributorAutoConfiguration;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.HealthEndpointAutoConfiguration;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Runs the starter with Actuator and a distinctive password through the failures that produce the most text (a
 * wrong password, a missing permission, Redis killed under a running application), captures every log event at
 * DEBUG, the exception chains, the health, {@code redisstreams}, {@code env} and {@code configprops} endpoints as
 * JSON, and finds the password in none of them.
 */
class PasswordsNeverLeakIntegrationTests {

	private static final String PASSWORD = "Canary-Pw-" + UUID.randomUUID();

	private static final String WRONG_PASSWORD = "Wrong-Canary-Pw-" + UUID.randomUUID();

	private final String service = "svc-" + UUID.randomUUID();

	private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

	private final List<String> captured = new ArrayList<>();

	private RedisServer redis;

	private Level rootLevel;

	@BeforeEach
	void startRedisAndCaptureEveryLog() {
		DocumentedAclRule.assumeTlsAndRedis7();
		this.redis = RedisServer.builder().tls().args("--notify-keyspace-events", "Ex").start();
		// Users are set before the capture starts: the test's own ACL SETUSER carries the password.
		this.redis.setUser(DocumentedAclRule.ownership("app", PASSWORD, this.service));
		this.redis.setUser(DocumentedAclRule.ownership("reader-less", PASSWORD, this.service).replace(" +xreadgroup ", " "));
		// Boot would reset Logback at every start and drop the capturing appender.
		System.setProperty(LoggingSystem.SYSTEM_PROPERTY, LoggingSystem.NONE);
		Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
		this.rootLevel = root.getLevel();
		root.setLevel(Level.DEBUG);
		this.logs.start();
		root.addAppender(this.logs);
	}

	@AfterEach
	void stopCapturing() {
		System.clearProperty(LoggingSystem.SYSTEM_PROPERTY);
		Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
		root.detachAppender(this.logs);
		if (this.rootLevel != null) {
			root.setLevel(this.rootLevel);
		}
		if (this.redis != null) {
			this.redis.close();
		}
	}

	@Test
	void thePasswordIsInNoLogNoExceptionAndNoActuatorOutput() throws Exception {
		// A wrong password: the application does not start.
		assertThatThrownBy(() -> start("app", WRONG_PASSWORD)).satisfies(this::capture);
		// A missing permission: the application does not start either.
		assertThatThrownBy(() -> start("reader-less", PASSWORD)).satisfies(this::capture)
			.hasStackTraceContaining("Grant +xreadgroup or the @stream category");

		try (ConfigurableApplicationContext context = start("app", PASSWORD)) {
			LoadBalancerStream.of(this.redis.connectionFactory(), this.service).add(this.service + "-data-1");
			RecoverableStreamClient client = context.getBean(RecoverableStreamClient.class);
			await().atMost(Duration.ofSeconds(10)).until(() -> client.ownedStreams().size() == 1);
			captureEndpoints(context);

			this.redis.kill();
			HealthEndpoint health = context.getBean(HealthEndpoint.class);
			await().atMost(Duration.ofSeconds(15))
				.until(() -> json(health.healthForPath("redisStreamClient")).contains("\"DOWN\""));
			captureEndpoints(context);
		}

		for (ILoggingEvent event : this.logs.list) {
			this.captured.add(event.getFormattedMessage());
			if (event.getThrowableProxy() != null) {
				this.captured.add(ThrowableProxyUtil.asString(event.getThrowableProxy()));
			}
		}
		assertThat(this.logs.list).as("captured log events").hasSizeGreaterThan(100);
		assertThat(String.join("\n", this.captured)).contains("WRONGPASS", "NOPERM", this.service)
			.doesNotContain(PASSWORD)
			.doesNotContain(WRONG_PASSWORD);
	}

	private ConfigurableApplicationContext start(String user, String password) {
		SpringApplication application = new SpringApplication(ActuatorApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		return application.run("--spring.data.redis.host=127.0.0.1", "--spring.data.redis.port=" + this.redis.port(),
				"--spring.data.redis.ssl.bundle=redis",
				"--spring.ssl.bundle.pem.redis.truststore.certificate=file:" + this.redis.tls().caCertificate(),
				"--spring.data.redis.username=" + user, "--spring.data.redis.password=" + password,
				"--spring.data.redis.timeout=2s", "--spring.application.name=" + this.service,
				"--redis-stream-client.lease-ttl=1s", "--redis-stream-client.lbs.idle-time=3s",
				"--redis-stream-client.lbs.block-time=200ms", "--management.endpoint.health.show-details=always",
				"--management.endpoints.jmx.exposure.include=*", "--spring.jmx.enabled=true");
	}

	private void captureEndpoints(ConfigurableApplicationContext context) {
		this.captured.add(json(context.getBean(HealthEndpoint.class).health()));
		this.captured.add(json(context.getBean(RedisStreamsEndpoint.class).streams()));
		this.captured.add(json(context.getBean(EnvironmentEndpoint.class).environment(null)));
		this.captured.add(json(context.getBean(ConfigurationPropertiesReportEndpoint.class).configurationProperties()));
	}

	private void capture(Throwable thrown) {
		StringWriter trace = new StringWriter();
		thrown.printStackTrace(new PrintWriter(trace));
		this.captured.add(trace.toString());
		for (Throwable t = thrown; t != null; t = t.getCause()) {
			this.captured.add(String.valueOf(t.getMessage()));
		}
	}

	private static String json(Object value) {
		return JsonMapper.builder().build().writeValueAsString(value);
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ SslAutoConfiguration.class, DataRedisAutoConfiguration.class,
			RedisStreamClientAutoConfiguration.class, EndpointAutoConfiguration.class,
			HealthContributorAutoConfiguration.class, HealthContributorRegistryAutoConfiguration.class,
			HealthEndpointAutoConfiguration.class,
			DataRedisHealthContributorAutoConfiguration.class, RedisStreamClientHealthAutoConfiguration.class,
			RedisStreamClientEndpointAutoConfiguration.class, EnvironmentEndpointAutoConfiguration.class,
			ConfigurationPropertiesReportEndpointAutoConfiguration.class })
	static class ActuatorApplication {

	}

}
