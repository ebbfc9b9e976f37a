package io.github.redisstreamclient.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.context.event.EventListener;
import org.springframework.core.annotation.AliasFor;

/**
 * Marks a bean method as handler of {@link StreamTerminatedEvent}: the client stopped. The method takes the event or nothing.
 * <p>
 * Handlers run on the client's handler executor, never on a Redis thread, with the events of one stream in order;
 * a handler that throws is logged with the stream and the method and does not stop the client. A method with any
 * other signature fails the application context's startup.
 */
@Target({ ElementType.METHOD, ElementType.ANNOTATION_TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
@EventListener(StreamTerminatedEvent.class)
public @interface StreamTerminated {

	/**
	 * SpEL condition on the event, as for {@link EventListener#condition()}, e.g.
	 * {@code "#event.info['priority'] == 'high'"}.
	 * @return the condition; empty for none
	 */
	@AliasFor(annotation = EventListener.class, attribute = "condition")
	String condition() default "";

}
