package io.github.redisstreamclient.samples.consumer;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.github.redisstreamclient.core.LoadBalancerStream;
import io.github.redisstreamclient.test.RedisServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.http.MediaType;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample as Spring AOT built it (the build runs {@code spring-boot:process-aot} before the tests), started in a
 * JVM of its own with {@code -Dspring.aot.enabled=true}: the context comes from the generated initializer instead of
 * configuration classes, and must still process sessions and events against a real {@code redis-server}. Also checks
 * the native-image hints the build wrote for what the client loads at runtime.
 */
class AotConsumerApplicationTests {

	private static final Path HINTS = Path.of("target", "classes", "META-INF", "native-image",
			"io.github.redisstreamclient", "consumer-app", "reachability-metadata.json");

	private RedisServer redis;

	private LettuceConnectionFactory connectionFactory;

	private Process application;

	private Path output;

	@BeforeEach
	void startRedis() {
		this.redis = RedisServer.start();
		this.connectionFactory = this.redis.connectionFactory();
	}

	@AfterEach
	void stop() throws InterruptedException {
		if (this.application != null) {
			this.application.toHandle().destroy(); // SIGTERM
			if (!this.application.waitFor(20, TimeUnit.SECONDS)) {
				this.application.destroyForcibly();
			}
		}
		this.connectionFactory.destroy();
		this.redis.close();
	}

	@Test
	void theAotProcessedApplicationProcessesSessionsAndEvents() throws Exception {
		int port = freePort();
		this.output = Files.createTempFile("aot-consumer-app", ".log");
		this.application = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
				"-Dspring.aot.enabled=true", "-Xmx256m", "-cp", System.getProperty("java.class.path"),
				ConsumerApplication.class.getName(), "--spring.data.redis.port=" + this.redis.port(),
				"--server.port=" + port, "--spring.main.banner-mode=off")
			.redirectErrorStream(true)
			.redirectOutput(this.output.toFile())
			.start();
		await().atMost(Duration.ofSeconds(60)).until(() -> log().contains("Started ConsumerApplication")
				|| !this.application.isAlive());
		assertThat(log()).contains("Starting AOT-processed ConsumerApplication").contains("Started ConsumerApplication");

		LoadBalancerStream sessions = LoadBalancerStream.of(this.connectionFactory, "sessions");
		sessions.add("session-1", Map.of("user_id", "u-1"));
		sessions.add("session-2", Map.of("user_id", "u-2"));
		await().atMost(Duration.ofSeconds(15)).until(() -> log().contains("Processing session-2 for user u-2")
				&& Long.valueOf(0).equals(this.redis.command("XLEN", "sessions-input")));
		assertThat(log()).contains("Processing session-1 for user u-1");

		RestClient http = RestClient.create("http://localhost:" + port);
		http.post().uri("/orders").contentType(MediaType.APPLICATION_JSON).body("{\"id\":\"o-1\",\"total\":12.5}")
			.retrieve().toBodilessEntity();
		await().atMost(Duration.ofSeconds(15)).until(() -> log().contains("Order o-1 for 12.5 received"));
		assertThat(http.get().uri("/actuator/health").retrieve().body(String.class))
			.contains("\"redisStreamClient\":{\"details\":").contains("\"status\":\"UP\"");
	}

	@Test
	void theBuildWroteNativeImageHintsForTheScriptsAndTheHandlers() {
		JsonNode hints = JsonMapper.builder().build().readTree(HINTS.toFile());
		List<String> resources = new ArrayList<>();
		hints.path("resources").forEach((r) -> resources.add(r.path("glob").asString()));
		Map<String, JsonNode> types = new HashMap<>();
		hints.path("reflection").forEach((r) -> {
			if (r.path("type").isString()) { // else a proxy's interfaces
				types.put(r.path("type").asString(), r);
			}
		});

		assertThat(resources).contains("io/github/redisstreamclient/core/internal/scripts/*.lua");
		assertThat(types.get(SessionHandler.class.getName()).path("methods").findValuesAsString("name"))
			.contains("onSession", "onLost");
		assertThat(types.get(OrderEvents.class.getName()).path("methods").findValuesAsString("name"))
			.contains("onOrderCreated");
		assertThat(types.get(OrderEvents.Order.class.getName()).path("allDeclaredConstructors").asBoolean()).isTrue();
	}

	private String log() throws IOException {
		return Files.readString(this.output, StandardCharsets.UTF_8);
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
