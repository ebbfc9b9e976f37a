package io.github.redisstreamclient.spring;

import java.lang.reflect.Method;
import java.lang.reflect.Type;

import io.github.redisstreamclient.events.Event;
import io.github.redisstreamclient.events.ReceivedEvent;

import org.springframework.aot.hint.BindingReflectionHintsRegistrar;
import org.springframework.aot.hint.ReflectionHints;
import org.springframework.aot.hint.annotation.SimpleReflectiveProcessor;

/**
 * Registers an {@link EventStreamListener} method for invocation, as Spring does for any {@code @Reflective} member,
 * and its payload type for Jackson binding: the converter builds that type from the event's JSON, which a native
 * image can only do for types registered ahead of time. An {@link Event} or {@link ReceivedEvent} parameter carries
 * the payload as a JSON tree and needs nothing more.
 */
class EventStreamListenerReflectiveProcessor extends SimpleReflectiveProcessor {

	private final BindingReflectionHintsRegistrar bindings = new BindingReflectionHintsRegistrar();

	@Override
	protected void registerMethodHint(ReflectionHints hints, Method method) {
		super.registerMethodHint(hints, method);
		for (Type parameter : method.getGenericParameterTypes()) {
			if (parameter != Event.class && parameter != ReceivedEvent.class) {
				this.bindings.registerReflectionHints(hints, parameter);
			}
		}
	}

}
