package io.github.redisstreamclient.samples.boot;

import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.github.redisstreamclient.core.OwnedStream;
import io.github.redisstreamclient.core.RecoverableStreamClient;
import io.github.redisstreamclient.core.StreamNotOwnedException;
import io.github.redisstreamclient.spring.StreamAdded;
import io.github.redisstreamclient.spring.StreamAddedEvent;
import io.github.redisstreamclient.spring.StreamDisowned;
import io.github.redisstreamclient.spring.StreamDisownedEvent;
import jakarta.annotation.PreDestroy;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Processes each session stream this instance is given, for 1.5 to 3 seconds, and stops at once when another
 * instance took it over.
 * <p>
 * It tells the demo what happens with one line per event on stdout ({@code READY}, {@code ADDED}, {@code DONE},
 * {@code DISOWNED}, {@code HANDOFF}, {@code CLOSED}; see {@code ConsumerLauncher}); a real service would log instead.
 */
@Component
public class SessionProcessor {

	private final RecoverableStreamClient client;

	private final Environment environment;

	public SessionProcessor(RecoverableStreamClient client, Environment environment) {
		this.client = client;
		this.environment = environment;
	}

	// Runs on a handler thread, off the client's threads, so it may take as long as the work does.
	@StreamAdded
	public void onSession(StreamAddedEvent event) throws InterruptedException {
		report("ADDED %s %d %s %s", event.streamName(), event.fencingToken(), event.claimed(),
				event.info().getOrDefault("user", "-"));
		Optional<OwnedStream> stream = event.ownedStream();
		if (stream.isEmpty()) {
			return; // lost already
		}
		try {
			// Stands in for the work: it ends early when the stream is taken over, or handed off on shutdown.
			stream.get().cancellation().get(ThreadLocalRandom.current().nextLong(1500, 3000), TimeUnit.MILLISECONDS);
			return;
		}
		catch (TimeoutException ex) {
			// worked through to the end
		}
		catch (ExecutionException ex) {
			return;
		}
		try {
			event.done();
			report("DONE %s", event.streamName());
		}
		catch (StreamNotOwnedException ex) {
			report("NOTDONE %s %s", event.streamName(), ex.getMessage());
		}
	}

	@StreamDisowned
	public void onLost(StreamDisownedEvent event) {
		report("DISOWNED %s", event.streamName());
	}

	@EventListener
	public void onReady(ApplicationReadyEvent event) {
		report("READY %s http://localhost:%s", this.client.id(), this.environment.getProperty("local.server.port"));
	}

	// Before the client closes: what it holds now, it hands to the other instances.
	@EventListener
	public void onShutdown(ContextClosedEvent event) {
		this.client.ownedStreams().forEach((stream) -> report("HANDOFF %s", stream.name()));
	}

	@PreDestroy
	public void closed() {
		report("CLOSED");
	}

	private static synchronized void report(String format, Object... args) {
		System.out.println(String.format(format, args));
		System.out.flush();
	}

}
