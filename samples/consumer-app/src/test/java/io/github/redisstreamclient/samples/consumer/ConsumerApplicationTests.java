package io.github.redisstreamclient.samples.consumer;

import java.time.Duration;
import java.util.Map;

import io.github.redisstreamclient.core.LoadBalancerStream;
import io.github.redisstreamclient.test.ImportRedisServer;
import io.github.redisstreamclient.test.RedisServer;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample as a user runs it, against a real {@code redis-server} of its own ({@link ImportRedisServer}: Boot
 * connects to it through its connection details, whatever {@code application.yml} says): a producer adds sessions,
 * the handler finishes them, Actuator shows the client.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		// The cached context closes at JVM exit; should Redis be gone by then, its consumers wait 3 s, not 60 s.
		properties = "spring.data.redis.timeout=3s")
@ImportRedisServer
class ConsumerApplicationTests {

	@Autowired
	private RedisServer redis;

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
		assertThat(this.redis.command("XLEN", "sessions-input")).isEqualTo(0L);

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
			.contentType(MediaType.APPLICATION_JSON)
			.body("{\"id\":\"o-1\",\"total\":12.5}")
			.retrieve()
			.body(String.class);

		assertThat(reply).contains("eventId");
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.orders.received().contains(new OrderEvents.Order("o-1", 12.5)));
		assertThat(this.redis.command("XLEN", "events:order.created")).isEqualTo(1L);
	}

	@Test
	void showsTheEventListenersInActuatorAndKeepsTheReplayOperationUnmapped() {
		RestClient http = RestClient.create("http://localhost:" + this.port);

		String events = http.get().uri("/actuator/redisstreamevents").retrieve().body(String.class);
		System.out.println("GET /actuator/redisstreamevents -> " + events);
		assertThat(events).contains("\"group\":\"sessions\"")
			.contains("\"eventTypes\":[\"order.created\"]")
			.contains("\"state\":\"running\"")
			.contains("\"deadLetters\":{\"stream\":\"events:dlq\",\"count\":0,\"replayEnabled\":false}");
		String health = http.get().uri("/actuator/health").retrieve().body(String.class);
		assertThat(health).contains("\"redisStreamEvents\":{");

		// Read-only by default: Actuator maps no POST, whatever redis-stream-client.events.endpoint.replay-enabled says.
		HttpStatusCode status = http.post()
			.uri("/actuator/redisstreamevents")
			.contentType(MediaType.APPLICATION_JSON)
			.body("{\"count\":1}")
			.exchange((request, response) -> response.getStatusCode());
		assertThat(status.value()).isEqualTo(405);
	}

}
