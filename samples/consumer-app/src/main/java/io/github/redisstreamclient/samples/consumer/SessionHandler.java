package io.github.redisstreamclient.samples.consumer;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.github.redisstreamclient.spring.StreamAdded;
import io.github.redisstreamclient.spring.StreamAddedEvent;
import io.github.redisstreamclient.spring.StreamDisowned;
import io.github.redisstreamclient.spring.StreamDisownedEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

/**
 * Processes each session stream this instance is given, and lets go of one that another instance took over (or that
 * rebalancing gave away, when it is enabled).
 */
@Component
public class SessionHandler {

	private static final Logger logger = LoggerFactory.getLogger(SessionHandler.class);

	private final Set<String> processed = ConcurrentHashMap.newKeySet();

	@StreamAdded
	public void onSession(StreamAddedEvent event) {
		logger.info("Processing {} for user {}{}", event.streamName(), event.info().get("user_id"),
				event.claimed() ? " (taken over from another instance)" : "");
		// Read and handle the data stream here; this runs on a handler thread and may take minutes.
		this.processed.add(event.streamName());
		event.done();
	}

	@StreamDisowned
	public void onLost(StreamDisownedEvent event) {
		logger.warn("Lost {}: {}", event.streamName(), event.reason());
	}

	/** Streams finished by this instance. */
	public Set<String> processed() {
		return this.processed;
	}

}
