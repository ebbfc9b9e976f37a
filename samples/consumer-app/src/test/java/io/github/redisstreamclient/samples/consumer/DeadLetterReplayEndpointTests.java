package io.github.redisstreamclient.samples.consumer;

import io.github.redisstreamclient.test.ImportRedisServer;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dead-letter replay over HTTP, with Actuator allowed to map it but the library's own switch left off: a 400 that
 * says which property turns it on (in the body, since this application lets Boot include error messages), and nothing
 * is replayed.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "management.endpoint.redisstreamevents.access=unrestricted", "spring.web.error.include-message=always",
				"spring.data.redis.timeout=3s" })
@ImportRedisServer
class DeadLetterReplayEndpointTests {

	@LocalServerPort
	private int port;

	@Test
	void replayIsRefusedUntilTheLibrarysOwnSwitchIsOn() {
		RestClient http = RestClient.create("http://localhost:" + this.port);

		String[] answer = new String[1];
		HttpStatusCode status = http.post()
			.uri("/actuator/redisstreamevents")
			.contentType(MediaType.APPLICATION_JSON)
			.body("{\"count\":1}")
			.exchange((request, response) -> {
				answer[0] = new String(response.getBody().readAllBytes());
				return response.getStatusCode();
			});

		System.out.println("POST /actuator/redisstreamevents -> " + status + " " + answer[0]);
		assertThat(status.value()).isEqualTo(400);
		assertThat(answer[0]).contains("redis-stream-client.events.endpoint.replay-enabled=true");
		assertThat(http.get().uri("/actuator/redisstreamevents").retrieve().body(String.class))
			.contains("\"count\":0,\"replayEnabled\":false");
	}

}
