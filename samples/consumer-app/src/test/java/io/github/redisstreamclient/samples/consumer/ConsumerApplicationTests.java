package io.github.redisstreamclient.samples.consumer;

import java.time.Duration;
import java.util.Map;

import io.github.redisstreamclient.core.LoadBalancerStream;
import io.github.redisstreamclient.test.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample as a user runs it, against a real {@code redis-server}: a producer adds sessions, the handler finishes
 * them, Actuator shows the client.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ConsumerApplicationTests {

	private static final RedisServer redis = RedisServer.start();

	@DynamicPropertySource
	static void redis(DynamicPropertyRegistry registry) {
		registry.add("spring.data.redis.port", redis::port);
		// The cached context closes at JVM exit, after @AfterAll killed Redis; its event consumers then try to leave
		// their group, and each try waits out the command timeout (60 s by default, past surefire's exit timeout).
		registry.add("spring.data.redis.timeout", () -> "3s");
	}

	@AfterAll
	static void stopRedis() {
		redis.close();
	}

	@Autowired
	private RedisConnectionFactory connectionFactory;

	@Autowired
	private SessionHandler handler;

	@Autowired
	private OrderEvents orders;

	@LocalServerPort
	private int port;

	@Test
	void processesSessionsAndShowsTheClientInActuator() {
		RestClient http = RestClient.create("http://localhost:" + this.port);
		LoadBalancerStream sessions = LoadBalancerStream.of(this.connectionFactory, "sessions");
		sessions.add("session-1", Map.of("user_id", "u-1"));
		sessions.add("session-2", Map.of("user_id", "u-2"));

		await().atMost(Duration.ofSeconds(10)).until(() -> this.handler.processed().size() == 2);
		assertThat(redis.command("XLEN", "sessions-input")).isEqualTo(0L);

		String health = http.get().uri("/actuator/health").retrieve().body(String.class);
		System.out.println("GET /actuator/health -> " + health);
		assertThat(health).contains("\"redisStreamClient\"").contains("\"status\":\"UP\"")
			.contains("\"consumerId\":\"redis-consumer-");
		String streams = http.get().uri("/actuator/redisstreams").retrieve().body(String.class);
		System.out.println("GET /actuator/redisstreams -> " + streams);
		assertThat(streams).contains("\"service\":\"sessions\"").contains("\"ownedStreams\":0");
		String owned = http.get().uri("/actuator/metrics/redis.stream.client.assignments").retrieve().body(String.class);
		assertThat(owned).contains("\"value\":2.0");
	}

	@Test
	void publishesAndConsumesTypedEvents() {
		RestClient http = RestClient.create("http://localhost:" + this.port);

		String reply = http.post()
			.uri("/orders")
			.contentType(org.springframework.http.MediaType.APPLICATION_JSON)
			.body("{\"id\":\"o-1\",\"total\":12.5}")
			.retrieve()
			.body(String.class);

		assertThat(reply).contains("eventId");
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.orders.received().contains(new OrderEvents.Order("o-1", 12.5)));
		assertThat(redis.command("XLEN", "events:order.created")).isEqualTo(1L);
	}

}
