package io.github.redisstreamclient.spring;

import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.redisstreamclient.events.Event;
import io.github.redisstreamclient.events.EventHandler;
import io.github.redisstreamclient.events.ReceivedEvent;

import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.BeanInitializationException;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ReflectionUtils;

/**
 * Finds {@link EventStreamListener @EventStreamListener} methods, checks their signature when the bean is created
 * (a wrong one fails the startup naming the bean and the method) and records them as {@link Endpoint}s. It has no
 * dependencies of its own, so it can be created early like every post-processor; the consumers are created and
 * started later by {@link EventStreamListenerRegistry}.
 */
public class EventStreamListenerAnnotationBeanPostProcessor implements BeanPostProcessor {

	private final List<Endpoint> endpoints = new CopyOnWriteArrayList<>();

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		Class<?> targetClass = AopUtils.getTargetClass(bean);
		Map<Method, EventStreamListener> annotated = MethodIntrospector.selectMethods(targetClass,
				(MethodIntrospector.MetadataLookup<EventStreamListener>) (method) -> AnnotatedElementUtils
					.findMergedAnnotation(method, EventStreamListener.class));
		annotated.forEach((method, annotation) -> this.endpoints.add(endpoint(bean, beanName, method, annotation)));
		return bean;
	}

	/** The methods found so far. */
	public List<Endpoint> endpoints() {
		return List.copyOf(this.endpoints);
	}

	private static Endpoint endpoint(Object bean, String beanName, Method method, EventStreamListener annotation) {
		String where = "@EventStreamListener method '" + method.getName() + "' of bean '" + beanName + "' ("
				+ method.getDeclaringClass().getName() + ")";
		if (method.getParameterCount() != 1) {
			throw new BeanInitializationException(where + " must take exactly one parameter (the payload, an Event or "
					+ "a ReceivedEvent), but takes " + method.getParameterCount());
		}
		if (annotation.eventTypes().length == 0
				|| List.of(annotation.eventTypes()).stream().anyMatch((type) -> type == null || type.isBlank())) {
			throw new BeanInitializationException(where + " must name at least one event type, and no blank one");
		}
		Method invocable = AopUtils.selectInvocableMethod(method, bean.getClass());
		ReflectionUtils.makeAccessible(invocable);
		Type parameter = method.getGenericParameterTypes()[0];
		EventHandler handler = (received) -> invoke(bean, invocable, argument(parameter, received));
		return new Endpoint(beanName, method, List.of(annotation.eventTypes()), annotation.group(),
				annotation.concurrency(), handler);
	}

	private static Object argument(Type parameter, ReceivedEvent received) {
		if (parameter == ReceivedEvent.class) {
			return received;
		}
		if (parameter == Event.class) {
			return received.event();
		}
		return received.event().payloadAs(parameter);
	}

	private static void invoke(Object bean, Method method, Object argument) throws Exception {
		try {
			method.invoke(bean, argument);
		}
		catch (java.lang.reflect.InvocationTargetException ex) {
			Throwable target = ex.getTargetException();
			if (target instanceof Exception exception) {
				throw exception;
			}
			throw (Error) target;
		}
	}

	/**
	 * One annotated method: what it consumes and how to call it.
	 *
	 * @param beanName the bean
	 * @param method the method, for messages
	 * @param eventTypes event types to consume
	 * @param group consumer group; empty for the configured default
	 * @param concurrency threads; below 1 for the configured default
	 * @param handler calls the method with the converted argument
	 */
	public record Endpoint(String beanName, Method method, List<String> eventTypes, String group, int concurrency,
			EventHandler handler) {

		/** A readable name for logs: {@code Bean.method}. */
		public String description() {
			return this.method.getDeclaringClass().getSimpleName() + "." + this.method.getName();
		}

	}

}
