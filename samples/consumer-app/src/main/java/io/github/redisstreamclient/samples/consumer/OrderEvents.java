package io.github.redisstreamclient.samples.consumer;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.redisstreamclient.events.EventStreamPublisher;
import io.github.redisstreamclient.spring.EventStreamListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Typed events over Redis Streams: {@code POST /orders} publishes an {@code order.created} event to the stream
 * {@code events:order.created}; the listener below consumes it in the consumer group {@code sessions} (the
 * application name) and the event is acknowledged when the method returns.
 */
@RestController
public class OrderEvents {

	private static final Logger logger = LoggerFactory.getLogger(OrderEvents.class);

	private final EventStreamPublisher publisher;

	private final List<Order> received = new CopyOnWriteArrayList<>();

	public OrderEvents(EventStreamPublisher publisher) {
		this.publisher = publisher;
	}

	@PostMapping("/orders")
	public ResponseEntity<Map<String, String>> create(@RequestBody Order order) {
		String id = this.publisher.publish("order.created", order, Map.of("source", "http"));
		return ResponseEntity.accepted().body(Map.of("eventId", id));
	}

	@EventStreamListener(eventTypes = "order.created")
	public void onOrderCreated(Order order) {
		logger.info("Order {} for {} received", order.id(), order.total());
		this.received.add(order);
	}

	/** Orders this instance consumed. */
	public List<Order> received() {
		return this.received;
	}

	/** The event payload. */
	public record Order(String id, double total) {
	}

}
