package io.github.redisstreamclient.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.context.event.EventListener;
import org.springframework.core.annotation.AliasFor;

/**
 * Marks a bean method as handler of {@link StreamDisownedEvent}: this consumer lost a stream: stop processing it. The method takes the event or nothing.
 * <p>
 * Handlers run on the client's handler executor, never on a Redis thread, with the events of one stream in order;
 * a handler that throws is logged with the stream and the method and does not stop the client. A method with any
 * other signature fails the application context's startup.
 */
@Target({ ElementType.METHOD, ElementType.ANNOTATION_TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
@EventListener(StreamDisownedEvent.class)
public @interface StreamDisowned {

	/**
	 * Stream-name patterns ({@code *} matches any characters, e.g. {@code orders-*}): the handler sees only matching streams.
	 * Empty: every stream.
	 * @return the patterns
	 */
	String[] streams() default {};

	/**
	 * SpEL condition on the event, as for {@link EventListener#condition()}, e.g.
	 * {@code "#event.info['priority'] == 'high'"}.
	 * @return the condition; empty for none
	 */
	@AliasFor(annotation = EventListener.class, attribute = "condition")
	String condition() default "";

}
