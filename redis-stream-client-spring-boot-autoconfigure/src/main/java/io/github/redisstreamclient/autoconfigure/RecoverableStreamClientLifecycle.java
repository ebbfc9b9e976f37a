package io.github.redisstreamclient.autoconfigure;

import io.github.redisstreamclient.core.RecoverableStreamClient;

import org.springframework.context.SmartLifecycle;

/**
 * Starts the client once the context's beans are ready (handlers included) and closes it early on shutdown, while
 * the handlers' dependencies are still alive: unfinished streams are handed to the other consumers within
 * {@code spring.lifecycle.timeout-per-shutdown-phase}. With {@code redis-stream-client.auto-startup=false} it waits
 * for the application to start it (this bean's {@link #start()}, or the client's own); it is closed on shutdown
 * either way.
 */
public class RecoverableStreamClientLifecycle implements SmartLifecycle {

	/** Late to start, early to stop: as Spring Kafka's listener containers. */
	public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 100;

	private final RecoverableStreamClient client;

	private final boolean autoStartup;

	private volatile boolean running;

	public RecoverableStreamClientLifecycle(RecoverableStreamClient client) {
		this(client, true);
	}

	public RecoverableStreamClientLifecycle(RecoverableStreamClient client, boolean autoStartup) {
		this.client = client;
		this.autoStartup = autoStartup;
	}

	@Override
	public boolean isAutoStartup() {
		return this.autoStartup;
	}

	@Override
	public void start() {
		this.client.start();
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
		this.client.close();
	}

	@Override
	public boolean isRunning() {
		// Also when the application started the client itself, so that shutdown closes it.
		return this.running || this.client.isRunning();
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

}
