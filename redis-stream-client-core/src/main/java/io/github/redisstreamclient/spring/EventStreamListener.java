package io.github.redisstreamclient.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.aot.hint.annotation.Reflective;

/**
 * Marks a bean method as consumer of typed events from {@code <prefix>:<event-type>} streams, in a consumer group.
 * <p>
 * The method takes one parameter: the payload, converted by Jackson to the parameter's type; or the whole
 * {@link io.github.redisstreamclient.events.Event} (id, type, payload, metadata, timestamp); or a
 * {@link io.github.redisstreamclient.events.ReceivedEvent} (also the stream, entry id and delivery count). When the
 * method returns, the entry is acknowledged; when it throws, the entry is delivered again with backoff until
 * {@code max-deliveries}, then moved to the dead-letter stream {@code <prefix>:dlq}.
 */
@Target({ ElementType.METHOD, ElementType.ANNOTATION_TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Reflective(EventStreamListenerReflectiveProcessor.class)
public @interface EventStreamListener {

	/**
	 * Event types to consume, one stream each, e.g. {@code "order.created"}.
	 * @return the event types
	 */
	String[] eventTypes();

	/**
	 * Consumer group; the consumers of one group share the events, each group gets all of them. Empty: the
	 * configured default ({@code redis-stream-client.events.consumer.group}, else {@code spring.application.name}).
	 * Placeholders such as {@code ${app.group}} are resolved.
	 * @return the group
	 */
	String group() default "";

	/**
	 * Threads calling this method in parallel. Values below 1 use the configured default.
	 * @return the concurrency
	 */
	int concurrency() default 0;

}
