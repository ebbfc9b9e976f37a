package io.github.redisstreamclient.spring;

import java.util.List;

import io.github.redisstreamclient.events.Event;
import org.junit.jupiter.api.Test;

import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.annotation.ReflectiveRuntimeHintsRegistrar;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What Spring AOT registers for a bean with {@link EventStreamListener} methods, through the same registrar its bean
 * factory processor uses: the methods for invocation, the payload types for Jackson binding.
 */
class EventStreamListenerReflectiveProcessorTests {

	private final RuntimeHints hints = new RuntimeHints();

	@Test
	void registersListenerMethodsForInvocationAndPayloadTypesForBinding() throws Exception {
		new ReflectiveRuntimeHintsRegistrar().registerRuntimeHints(this.hints, Listeners.class);

		assertThat(RuntimeHintsPredicates.reflection()
			.onMethodInvocation(Listeners.class.getDeclaredMethod("onOrder", Order.class))).accepts(this.hints);
		assertThat(RuntimeHintsPredicates.reflection()
			.onMethodInvocation(Listeners.class.getDeclaredMethod("onEnvelope", Event.class))).accepts(this.hints);
		// Binding: the record's canonical constructor and accessors, and the types it is made of.
		assertThat(RuntimeHintsPredicates.reflection()
			.onMethodInvocation(Order.class.getDeclaredMethod("total"))).accepts(this.hints);
		assertThat(RuntimeHintsPredicates.reflection()
			.onConstructorInvocation(Order.class.getDeclaredConstructor(String.class, List.class))).accepts(this.hints);
		assertThat(RuntimeHintsPredicates.reflection().onType(Line.class)).accepts(this.hints);
		assertThat(RuntimeHintsPredicates.reflection().onType(Unrelated.class)).rejects(this.hints);
	}

	static class Listeners {

		@EventStreamListener(eventTypes = "order.created")
		void onOrder(Order order) {
		}

		@EventStreamListener(eventTypes = "order.cancelled")
		void onEnvelope(Event event) {
		}

		void notAListener(Unrelated unrelated) {
		}

	}

	record Order(String id, List<Line> total) {
	}

	record Line(String sku, int quantity) {
	}

	record Unrelated(String name) {
	}

}
