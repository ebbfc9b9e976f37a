package io.github.redisstreamclient.samples.consumer;

import java.time.Duration;
import java.util.List;

import io.github.redisstreamclient.test.RedisServer;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.connection.stream.MapRecord;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.http.MediaType;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One trace from an HTTP request through Redis to the event's consumer, in the sample as a user runs it with Spring
 * Boot's OpenTelemetry tracing on the class path: {@code POST /orders} publishes {@code order.created}, the
 * {@code @EventStreamListener} consumes it, and the request's span, the publish span and the process span share one
 * trace, with the {@code traceparent} stored in the event's metadata in Redis.
 * <p>
 * Started with {@link SpringApplicationBuilder} rather than {@code @SpringBootTest}, whose test support turns tracing
 * off.
 */
class TracingAcrossRedisTests {

	@Test
	void oneTraceRunsFromTheRequestThroughRedisToTheListener() {
		InMemorySpanExporter exporter = InMemorySpanExporter.create();
		try (RedisServer redis = RedisServer.start();
				ConfigurableApplicationContext app = new SpringApplicationBuilder(ConsumerApplication.class)
					.initializers((context) -> context.getBeanFactory().registerSingleton("spanExporter", exporter))
					.run("--spring.data.redis.port=" + redis.port(), "--server.port=0",
							"--management.tracing.sampling.probability=1.0", "--spring.main.banner-mode=off",
							"--spring.data.redis.timeout=3s")) {
			int port = Integer.parseInt(app.getEnvironment().getProperty("local.server.port"));

			RestClient.create("http://localhost:" + port)
				.post()
				.uri("/orders")
				.contentType(MediaType.APPLICATION_JSON)
				.body("{\"id\":\"o-7\",\"total\":7.5}")
				.retrieve()
				.toBodilessEntity();

			// Spans are exported in batches, a few seconds after they end.
			await().atMost(Duration.ofSeconds(20))
				.until(() -> find(exporter, "process order.created") != null && find(exporter, "http post /orders") != null);
			SpanData request = find(exporter, "http post /orders");
			SpanData publish = find(exporter, "publish order.created");
			SpanData process = find(exporter, "process order.created");
			assertThat(publish).as("the publish span in %s", exporter.getFinishedSpanItems()).isNotNull();
			assertThat(publish.getTraceId()).isEqualTo(request.getTraceId());
			assertThat(publish.getParentSpanId()).isEqualTo(request.getSpanId());
			assertThat(process.getTraceId()).isEqualTo(request.getTraceId());
			assertThat(process.getParentSpanId()).isEqualTo(publish.getSpanId());
			assertThat(process.getAttributes().get(AttributeKey.stringKey("messaging.consumer.group.name")))
				.isEqualTo("sessions");

			List<MapRecord<String, Object, Object>> entries = app.getBean(StringRedisTemplate.class)
				.opsForStream()
				.range("events:order.created", org.springframework.data.domain.Range.unbounded());
			assertThat(entries).singleElement()
				.satisfies((entry) -> assertThat(String.valueOf(entry.getValue().get("event")))
					.contains("\"traceparent\":\"00-" + publish.getTraceId() + "-" + publish.getSpanId() + "-"));
		}
	}

	private static SpanData find(InMemorySpanExporter exporter, String name) {
		return exporter.getFinishedSpanItems().stream().filter((span) -> name.equals(span.getName())).findFirst()
			.orElse(null);
	}

}
