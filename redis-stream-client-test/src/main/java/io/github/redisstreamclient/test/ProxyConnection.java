package io.github.redisstreamclient.test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection accepted by a {@link FaultProxy}, its connection to the target, and the two
 * {@link ProxyPump}s between them. The connection to the target is opened only when no black hole is in force, so a
 * client that connects during a partition reaches nothing until it heals.
 */
final class ProxyConnection {

	private static final Logger log = LoggerFactory.getLogger(ProxyConnection.class);

	private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

	private final String name;

	private final Socket client;

	private final InetSocketAddress target;

	private final ProxyFaults faults;

	private final BiConsumer<String, Runnable> threads;

	private final Consumer<ProxyConnection> onClosed;

	private final AtomicBoolean closed = new AtomicBoolean();

	private final AtomicInteger runningPumps = new AtomicInteger(2);

	private volatile Socket upstream;

	/**
	 * Creates the connection; {@link #start()} begins forwarding.
	 * @param name names its threads, such as {@code fault-proxy-40123-7}
	 * @param client the accepted client socket
	 * @param target where to connect on the client's behalf
	 * @param faults the proxy's faults
	 * @param threads starts a daemon thread with the given name, or none once the proxy is closed
	 * @param onClosed called once when both sockets are closed
	 */
	ProxyConnection(String name, Socket client, InetSocketAddress target, ProxyFaults faults,
			BiConsumer<String, Runnable> threads, Consumer<ProxyConnection> onClosed) {
		this.name = name;
		this.client = client;
		this.target = target;
		this.faults = faults;
		this.threads = threads;
		this.onClosed = onClosed;
	}

	void start() {
		this.threads.accept(this.name + "-to-target", this::connectAndForward);
	}

	boolean isClosed() {
		return this.closed.get();
	}

	/** Closes both sockets with a TCP RST (SO_LINGER 0), as a network device dropping the flow would. Idempotent. */
	void abort() {
		if (!this.closed.compareAndSet(false, true)) {
			return;
		}
		reset(this.client);
		Socket current = this.upstream;
		if (current != null) {
			reset(current);
		}
		this.faults.wake();
		this.onClosed.accept(this);
		log.debug("Aborted {}", this.name);
	}

	/** Called by a pump that passed its source's end of stream on; the last one closes both sockets. */
	void pumpFinished() {
		if (this.runningPumps.decrementAndGet() == 0 && this.closed.compareAndSet(false, true)) {
			closeQuietly(this.client);
			closeQuietly(this.upstream);
			this.onClosed.accept(this);
			log.debug("Closed {}", this.name);
		}
	}

	@Override
	public String toString() {
		return this.name;
	}

	private void connectAndForward() {
		Socket connected = new Socket();
		try {
			awaitNoBlackhole();
			if (isClosed()) {
				closeQuietly(connected);
				return;
			}
			connected.setTcpNoDelay(true);
			connected.connect(this.target, Math.toIntExact(CONNECT_TIMEOUT.toMillis()));
		}
		catch (IOException ex) {
			// The target refused or is unreachable: the client learns it as it would from the target itself.
			log.debug("{} could not connect to {}", this.name, this.target, ex);
			closeQuietly(connected);
			abort();
			return;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			closeQuietly(connected);
			abort();
			return;
		}
		this.upstream = connected;
		// abort() may have run before upstream was set and so not reset it.
		if (isClosed()) {
			reset(connected);
			return;
		}
		this.threads.accept(this.name + "-to-client", new ProxyPump(connected, this.client, this.faults, this)::run);
		new ProxyPump(this.client, connected, this.faults, this).run();
	}

	private void awaitNoBlackhole() throws InterruptedException {
		while (!isClosed()) {
			ProxyFaults.State state = this.faults.state();
			if (!state.blackholed()) {
				return;
			}
			this.faults.awaitChange(state.version(), Long.MAX_VALUE);
		}
	}

	private static void reset(Socket socket) {
		try {
			socket.setSoLinger(true, 0);
		}
		catch (IOException ex) {
			// Already closed: nothing left to reset.
		}
		closeQuietly(socket);
	}

	private static void closeQuietly(Socket socket) {
		if (socket == null) {
			return;
		}
		try {
			socket.close();
		}
		catch (IOException ex) {
			log.debug("Could not close {}", socket, ex);
		}
	}

}
