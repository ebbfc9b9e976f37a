package io.github.redisstreamclient.spring;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import io.github.redisstreamclient.observation.StreamHandlerObservation;
import io.github.redisstreamclient.observation.StreamHandlerObservationConvention;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.BeanInitializationException;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ApplicationListenerMethodAdapter;
import org.springframework.context.event.EventListenerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.AnnotatedElementUtils;

/**
 * Turns {@link StreamAdded @StreamAdded}, {@link StreamExpired @StreamExpired}, {@link StreamDisowned
 * @StreamDisowned} and {@link StreamTerminated @StreamTerminated} methods into application listeners. Spring's
 * {@code EventListenerMethodProcessor} finds them (the annotations are {@code @EventListener}s) and asks this
 * factory first, which adds what a stream handler needs on top: the signature check at startup, the stream-name
 * patterns, and containment of handler exceptions (logged with the stream and the method, counted, never propagated
 * to the client). Built with an {@code ObservationRegistry}, it observes each handler call
 * ({@link StreamHandlerObservation#HANDLER}).
 */
public final class StreamEventListenerFactory implements EventListenerFactory, Ordered {

	private static final Logger logger = LoggerFactory.getLogger(StreamEventListenerFactory.class);

	private static final List<Class<? extends Annotation>> ANNOTATIONS = List.of(StreamAdded.class,
			StreamExpired.class, StreamDisowned.class, StreamTerminated.class);

	private final AtomicLong failures = new AtomicLong();

	private final @Nullable Supplier<ObservationRegistry> observationRegistry;

	private final Supplier<@Nullable StreamHandlerObservationConvention> observationConvention;

	private volatile @Nullable HandlerObservations observations;

	/** A factory whose handler calls are not observed. */
	public StreamEventListenerFactory() {
		this.observationRegistry = null;
		this.observationConvention = () -> null;
	}

	/**
	 * A factory that observes each handler call. Both suppliers are asked once, when the first handler method is
	 * registered, which is after the application context created its singletons: the factory itself is created
	 * early, like a post-processor, and must not pull the registry in before its time.
	 * @param observationRegistry the registry; {@code ObservationRegistry.NOOP} for none
	 * @param observationConvention a convention replacing {@code DefaultStreamHandlerObservationConvention}, or
	 * {@code null}
	 */
	public StreamEventListenerFactory(Supplier<ObservationRegistry> observationRegistry,
			Supplier<@Nullable StreamHandlerObservationConvention> observationConvention) {
		this.observationRegistry = observationRegistry;
		this.observationConvention = observationConvention;
	}

	@Override
	public int getOrder() {
		// Before Spring's DefaultEventListenerFactory, which would accept these methods too.
		return Ordered.HIGHEST_PRECEDENCE + 100;
	}

	@Override
	public boolean supportsMethod(Method method) {
		return annotationOf(method) != null;
	}

	@Override
	public ApplicationListener<?> createApplicationListener(String beanName, Class<?> type, Method method) {
		Class<? extends Annotation> annotation = annotationOf(method);
		Class<? extends StreamEvent> eventType = eventTypeOf(annotation);
		Class<?>[] parameters = method.getParameterTypes();
		if (parameters.length > 1 || (parameters.length == 1 && !parameters[0].isAssignableFrom(eventType))) {
			throw new BeanInitializationException("@" + annotation.getSimpleName() + " method '" + method.getName()
					+ "' of bean '" + beanName + "' (" + type.getName() + ") must take no parameter or one "
					+ eventType.getSimpleName() + ", but takes " + List.of(parameters).stream()
						.map(Class::getSimpleName)
						.toList());
		}
		String[] streams = (annotation == StreamTerminated.class) ? new String[0]
				: AnnotatedElementUtils.getMergedAnnotationAttributes(method, annotation).getStringArray("streams");
		return new StreamHandlerAdapter(beanName, type, method, eventType, patterns(streams), observations());
	}

	/** How many handler invocations threw. */
	public long failures() {
		return this.failures.get();
	}

	private HandlerObservations observations() {
		HandlerObservations observations = this.observations;
		if (observations == null) {
			// Micrometer's types stay out of this class's code, so that it runs without Micrometer.
			observations = (this.observationRegistry != null)
					? MicrometerHandlerObservations.of(this.observationRegistry.get(), this.observationConvention.get())
					: HandlerObservations.NOOP;
			this.observations = observations;
		}
		return observations;
	}

	private static @Nullable Class<? extends Annotation> annotationOf(Method method) {
		for (Class<? extends Annotation> annotation : ANNOTATIONS) {
			if (AnnotatedElementUtils.hasAnnotation(method, annotation)) {
				return annotation;
			}
		}
		return null;
	}

	private static Class<? extends StreamEvent> eventTypeOf(Class<? extends Annotation> annotation) {
		if (annotation == StreamAdded.class) {
			return StreamAddedEvent.class;
		}
		if (annotation == StreamExpired.class) {
			return StreamExpiredEvent.class;
		}
		if (annotation == StreamDisowned.class) {
			return StreamDisownedEvent.class;
		}
		return StreamTerminatedEvent.class;
	}

	private static List<Pattern> patterns(String[] globs) {
		return List.of(globs).stream()
			.map((glob) -> Pattern.compile(Pattern.quote(glob).replace("*", "\\E.*\\Q")))
			.toList();
	}

	private final class StreamHandlerAdapter extends ApplicationListenerMethodAdapter {

		private final String beanName;

		private final Method method;

		private final Class<? extends StreamEvent> eventType;

		private final List<Pattern> streams;

		private final HandlerObservations observations;

		private final String handlerName;

		StreamHandlerAdapter(String beanName, Class<?> targetClass, Method method,
				Class<? extends StreamEvent> eventType, List<Pattern> streams, HandlerObservations observations) {
			super(beanName, targetClass, method);
			this.beanName = beanName;
			this.method = method;
			this.eventType = eventType;
			this.streams = streams;
			this.observations = observations;
			this.handlerName = method.getDeclaringClass().getSimpleName() + "." + method.getName();
		}

		@Override
		public void onApplicationEvent(ApplicationEvent event) {
			if (!this.eventType.isInstance(event) || !matches((StreamEvent) event)) {
				return;
			}
			try {
				// A call that the SpEL condition turns away is no handler call: not observed. The condition is then
				// evaluated twice, which costs little next to a span.
				if (this.observations != HandlerObservations.NOOP && !shouldHandle(event)) {
					return;
				}
				this.observations.observe((StreamEvent) event, this.handlerName, () -> super.onApplicationEvent(event));
			}
			catch (RuntimeException ex) {
				StreamEventListenerFactory.this.failures.incrementAndGet();
				StreamEventListenerFactory.logger.error("Handler {}.{} (bean '{}') failed on {} of stream '{}'",
						this.method.getDeclaringClass().getSimpleName(), this.method.getName(), this.beanName,
						event.getClass().getSimpleName(), ((StreamEvent) event).streamName(), ex);
			}
		}

		private boolean matches(StreamEvent event) {
			if (this.streams.isEmpty()) {
				return true;
			}
			String name = event.streamName();
			return name != null && this.streams.stream().anyMatch((pattern) -> pattern.matcher(name).matches());
		}

	}

}
