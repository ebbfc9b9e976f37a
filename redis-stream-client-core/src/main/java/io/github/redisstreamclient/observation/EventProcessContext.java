package io.github.redisstreamclient.observation;

import java.util.Objects;

import io.github.redisstreamclient.events.ReceivedEvent;
import io.micrometer.observation.transport.ReceiverContext;

/**
 * What {@link EventStreamObservation#PROCESS} knows about one handler call. Its carrier is the received event,
 * whose metadata a tracer's propagator reads the publisher's trace context from.
 */
public class EventProcessContext extends ReceiverContext<ReceivedEvent> {

	private final ReceivedEvent received;

	private final String group;

	private final String consumerName;

	/**
	 * @param received the event and where it came from
	 * @param group the consumer group
	 * @param consumerName the consumer's name in the group
	 */
	public EventProcessContext(ReceivedEvent received, String group, String consumerName) {
		super((carrier, key) -> carrier.event().metadata().get(key));
		this.received = Objects.requireNonNull(received, "received must not be null");
		this.group = Objects.requireNonNull(group, "group must not be null");
		this.consumerName = Objects.requireNonNull(consumerName, "consumerName must not be null");
		setCarrier(received);
		setRemoteServiceName("redis");
	}

	/** The event and where it came from. */
	public ReceivedEvent getReceivedEvent() {
		return this.received;
	}

	/** The consumer group. */
	public String getGroup() {
		return this.group;
	}

	/** The consumer's name in the group. */
	public String getConsumerName() {
		return this.consumerName;
	}

}
