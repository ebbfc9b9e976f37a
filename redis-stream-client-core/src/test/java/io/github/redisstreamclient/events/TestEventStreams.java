package io.github.redisstreamclient.events;

import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Publishers and consumers of one test's event streams ({@code prefix}, consumer {@code group}, type
 * {@code order.created}), with short timings; {@code customizer} may change any option.
 */
record TestEventStreams(String prefix, String group) {

	EventStreamPublisher publisher(LettuceConnectionFactory factory,
			UnaryOperator<EventStreamPublisher.Builder> customizer) {
		return customizer.apply(EventStreamPublisher.builder(factory).prefix(this.prefix)).build();
	}

	EventStreamConsumer consumer(LettuceConnectionFactory factory, EventHandler handler,
			UnaryOperator<EventStreamConsumer.Builder> customizer) {
		EventStreamConsumer.Builder builder = EventStreamConsumer.builder(factory, this.group, handler)
			.prefix(this.prefix)
			.eventTypes(List.of("order.created"))
			.blockTime(Duration.ofMillis(200))
			.retryBackoff(Duration.ofMillis(50), Duration.ofMillis(200));
		return customizer.apply(builder).build();
	}

}
