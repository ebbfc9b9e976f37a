package io.github.redisstreamclient.events;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A handler that records every call, in order, and the events it completed; what it does with an event is up to
 * the test.
 */
final class RecordingHandler implements EventHandler {

	final List<ReceivedEvent> calls = new CopyOnWriteArrayList<>();

	final List<ReceivedEvent> completed = new CopyOnWriteArrayList<>();

	private final Map<String, AtomicInteger> callsPerEvent = new ConcurrentHashMap<>();

	private final EventHandler behaviour;

	RecordingHandler(EventHandler behaviour) {
		this.behaviour = behaviour;
	}

	static RecordingHandler accepting() {
		return new RecordingHandler((event) -> {
		});
	}

	@Override
	public void handle(ReceivedEvent event) throws Exception {
		this.calls.add(event);
		this.callsPerEvent.computeIfAbsent(event.event().id(), (id) -> new AtomicInteger()).incrementAndGet();
		this.behaviour.handle(event);
		this.completed.add(event);
	}

	int callsFor(String eventId) {
		AtomicInteger count = this.callsPerEvent.get(eventId);
		return (count != null) ? count.get() : 0;
	}

	List<String> completedPayloads() {
		return this.completed.stream().map((e) -> e.event().payloadAs(String.class)).toList();
	}

	List<String> completedEntryIds() {
		return this.completed.stream().map(ReceivedEvent::entryId).toList();
	}

}
