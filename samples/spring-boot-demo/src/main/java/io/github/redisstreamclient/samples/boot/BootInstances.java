package io.github.redisstreamclient.samples.boot;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.github.redisstreamclient.samples.failover.ConsumerLauncher;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Starts each consumer of the demo as a {@link SessionsApplication} in a JVM of its own, and shows what each one's
 * Actuator says: {@code /actuator/health} and {@code /actuator/redisstreams}.
 * <p>
 * What it expects there: before the kill every instance is {@code UP}; at the end the killed one no longer answers and
 * the others are {@code UP} and hold nothing, since every stream is done.
 */
final class BootInstances implements ConsumerLauncher {

	private static final List<String> ENDPOINTS = List.of("/actuator/health", "/actuator/redisstreams");

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	private final JsonMapper json = JsonMapper.builder().build();

	@Override
	public String describe(int count) {
		return count + " Spring Boot instances";
	}

	@Override
	public List<String> command(String name, String redisHost, String redisPort, String service) {
		return ConsumerLauncher.javaCommand("192m", DemoInstance.class, "--spring.data.redis.host=" + redisHost,
				"--spring.data.redis.port=" + redisPort, "--redis-stream-client.service-name=" + service,
				"--redis-stream-client.consumer-id=" + name);
	}

	@Override
	public View view(String moment, Map<String, String> urls, String killed) {
		List<String> lines = new ArrayList<>(List.of("", "Actuator " + moment + ":"));
		List<String> problems = new ArrayList<>();
		urls.forEach((name, url) -> {
			for (String endpoint : ENDPOINTS) {
				JsonNode body;
				try {
					body = this.json.readTree(get(url + endpoint));
				}
				catch (IOException ex) {
					lines.add(line(name, endpoint, "no answer (" + ex.getClass().getSimpleName() + ")"));
					if (!name.equals(killed)) {
						problems.add(name + " did not answer " + endpoint + " " + moment + ": " + ex);
					}
					continue;
				}
				lines.add(line(name, endpoint, summary(endpoint, body)));
				if (name.equals(killed)) {
					problems.add(name + " was killed, yet answered " + endpoint + " " + moment);
				}
				else {
					problems.addAll(check(name, endpoint, body, moment, killed != null));
				}
			}
		});
		lines.add("");
		return new View(lines, problems);
	}

	private static String line(String name, String endpoint, String answer) {
		return String.format("  %-10s GET %-22s -> %s", name, endpoint, answer);
	}

	// The overall status and the client's own component; the owned streams with their fencing tokens.
	private static String summary(String endpoint, JsonNode body) {
		if (endpoint.equals("/actuator/health")) {
			return "status " + body.path("status").asString() + ", redisStreamClient "
					+ body.path("components").path("redisStreamClient");
		}
		List<String> streams = new ArrayList<>();
		body.path("streams").forEach((s) -> streams.add(s.path("name").asString() + " (token "
				+ s.path("fencingToken").asLong() + ")"));
		return "running " + body.path("running").asBoolean() + ", ownedStreams " + body.path("ownedStreams").asInt()
				+ (streams.isEmpty() ? "" : ": " + String.join(", ", streams));
	}

	private List<String> check(String name, String endpoint, JsonNode body, String moment, boolean atTheEnd) {
		if (endpoint.equals("/actuator/health")) {
			String status = body.path("components").path("redisStreamClient").path("status").asString();
			return status.equals("UP") ? List.of()
					: List.of(name + "'s redisStreamClient health was " + status + " " + moment);
		}
		int owned = body.path("ownedStreams").asInt(-1);
		return (!atTheEnd || owned == 0) ? List.of()
				: List.of(name + " still owned " + owned + " streams " + moment + ", after every stream was done");
	}

	private String get(String url) throws IOException {
		try {
			HttpResponse<String> response = this.http.send(
					HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
					HttpResponse.BodyHandlers.ofString());
			return response.body();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IOException("interrupted", ex);
		}
	}

}
