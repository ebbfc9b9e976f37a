package io.github.redisstreamclient.autoconfigure;

import io.github.redisstreamclient.core.RecoverableStreamClient;

import org.springframework.context.SmartLifecycle;

/**
 * Starts the client once the context's beans are ready (handlers included) and closes it early on shutdown, while
 * the handlers' dependencies are still alive: unfinished streams are handed to the other consumers within
 * {@code spring.lifecycle.timeout-per-shutdown-phase}.
 */
public class RecoverableStreamClientLifecycle implements SmartLifecycle {

	/** Late to start, early to stop: as Spring Kafka's listener containers. */
	public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 100;

	private final RecoverableStreamClient client;

	private volatile boolean running;

	public RecoverableStreamClientLifecycle(RecoverableStreamClient client) {
		this.client = client;
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
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

}
