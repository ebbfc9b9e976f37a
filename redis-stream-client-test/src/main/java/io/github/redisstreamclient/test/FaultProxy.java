package io.github.redisstreamclient.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TCP proxy on a free loopback port that a client connects to instead of Redis, so a test can break the network
 * between that one client and Redis while Redis itself stays healthy and every other client keeps working: a
 * partition ({@link #blackhole()} until {@link #heal()}), {@link #latency(Duration) latency}, and dropped
 * connections ({@link #cutConnections()}). {@link RedisServer#suspend()} freezes Redis for every client instead.
 * <p>
 * The faults behave as the network would, never in a way TCP cannot:
 * <ul>
 * <li>No byte is dropped or reordered. A gap in the middle of a stream cannot happen on TCP and would corrupt RESP,
 * so a black hole holds bytes instead: the proxy stops reading, the kernel buffers fill, and everything held is
 * delivered on {@link #heal()}, as when a partition heals before TCP gives up.</li>
 * <li>No socket is closed by a black hole: clients see timeouts, not disconnects.</li>
 * <li>Only {@link #cutConnections()} and {@link #close()} end connections, with a TCP RST.</li>
 * </ul>
 * <p>
 * This is our own code because nothing else fitted: Toxiproxy needs its own server process (or Docker), which tests
 * here do not have, and NetCrusher ({@code com.github.netcrusherorg:netcrusher-core}), the in-JVM Java proxy on
 * Maven Central, has had no release or commit since 2016. Each connection uses two blocking pump threads, one per
 * direction, which is simple and ample for the handful of connections a test opens; the threads are daemons named
 * {@code fault-proxy-<port>-...}, and {@link #close()} waits for all of them to end.
 *
 * <pre>{@code
 * try (RedisServer redis = RedisServer.start();
 *         FaultProxy proxy = FaultProxy.start(redis.host(), redis.port())) {
 *     RedisClient client = RedisClient.create(RedisURI.create(proxy.host(), proxy.port()));
 *     proxy.blackhole();   // commands time out, the connection stays open
 *     proxy.heal();        // what was sent meanwhile is delivered
 * }
 * }</pre>
 */
public final class FaultProxy implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(FaultProxy.class);

	private static final String HOST = "127.0.0.1";

	private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

	private final InetSocketAddress target;

	private final ServerSocket serverSocket;

	private final String threadPrefix;

	private final ProxyFaults faults = new ProxyFaults();

	private final Set<ProxyConnection> open = ConcurrentHashMap.newKeySet();

	// Every thread ever started and not yet seen dead, so close() can wait for them all.
	private final Set<Thread> threads = ConcurrentHashMap.newKeySet();

	private final AtomicInteger connectionIds = new AtomicInteger();

	private boolean closed;

	private FaultProxy(InetSocketAddress target, ServerSocket serverSocket) {
		this.target = target;
		this.serverSocket = serverSocket;
		this.threadPrefix = "fault-proxy-" + serverSocket.getLocalPort();
	}

	/**
	 * Starts a proxy to the given target on a free loopback port. The target is not contacted until a client
	 * connects, so the proxy may be started before the target is up.
	 * @param targetHost the host to forward to, usually {@link RedisServer#host()}
	 * @param targetPort the port to forward to, usually {@link RedisServer#port()}
	 * @return the running proxy, forwarding without faults; close it to end every connection and thread
	 * @throws IllegalArgumentException if the port is out of range
	 * @throws UncheckedIOException if no loopback port can be bound
	 */
	public static FaultProxy start(String targetHost, int targetPort) {
		if (targetHost == null || targetHost.isBlank()) {
			throw new IllegalArgumentException("FaultProxy needs a target host, got '" + targetHost + "'");
		}
		if (targetPort < 1 || targetPort > 65535) {
			throw new IllegalArgumentException("FaultProxy target port must be 1-65535, got " + targetPort);
		}
		ServerSocket serverSocket;
		try {
			serverSocket = new ServerSocket(0, 50, InetAddress.getByName(HOST));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not bind a loopback port for a proxy to " + targetHost + ":"
					+ targetPort, ex);
		}
		FaultProxy proxy = new FaultProxy(InetSocketAddress.createUnresolved(targetHost, targetPort), serverSocket);
		proxy.startThread(proxy.threadPrefix + "-accept", proxy::acceptLoop);
		log.debug("Started {}", proxy);
		return proxy;
	}

	/** @return the port clients connect to instead of the target's */
	public int port() {
		return this.serverSocket.getLocalPort();
	}

	/** @return the address clients connect to, always {@code 127.0.0.1} */
	public String host() {
		return HOST;
	}

	/**
	 * Starts a partition: from now on no byte is forwarded in either direction, on current connections and on new
	 * ones, and no socket is closed, so clients see timeouts rather than disconnects. Bytes are held, never dropped,
	 * and are delivered by {@link #heal()}; the proxy stops reading, so beyond what it holds (at most 1 MiB per
	 * direction and connection) senders block once the kernel buffers are full. A chunk the proxy had already read
	 * and released before this call may still arrive, like a packet already past the broken link.
	 * <p>
	 * A client that connects during a black hole completes its TCP handshake (the kernel accepts on the proxy's
	 * behalf, which no user-space proxy can prevent), but the proxy does not connect to the target until the
	 * partition heals, so nothing reaches the target; the client's own connect or handshake timeout fires, as it would
	 * when its SYN went unanswered. If the client is still there on {@link #heal()}, its connection then goes through
	 * with what it sent. Does nothing if already black-holed.
	 * @throws IllegalStateException if the proxy is closed, so a test never believes in a partition that is not there
	 */
	public void blackhole() {
		ensureOpen();
		this.faults.blackhole();
		log.debug("{} black-holed", this);
	}

	/**
	 * Ends the {@linkplain #blackhole() black hole} and any {@linkplain #latency(Duration) latency}: forwarding
	 * resumes, starting with what was held, in order. Connections that clients opened during the black hole now reach
	 * the target. Allowed after {@link #close()}, where it does nothing, so it may sit in a {@code finally} block.
	 */
	public void heal() {
		this.faults.heal();
		log.debug("{} healed", this);
	}

	/**
	 * Delays every chunk of bytes by the given time after the proxy read it, in each direction independently and
	 * keeping their order: a round trip through the proxy takes at least twice the latency. Chunks that arrive while
	 * earlier ones wait are delayed by the same amount, not in addition, so throughput is not cut as by a sleep
	 * between reads. Applies to bytes already held, counted from when they were read.
	 * @param latency the delay per direction; {@link Duration#ZERO} removes it
	 * @throws IllegalArgumentException if the latency is negative
	 * @throws IllegalStateException if the proxy is closed
	 */
	public void latency(Duration latency) {
		if (latency == null || latency.isNegative()) {
			throw new IllegalArgumentException("FaultProxy latency must be zero or positive, got " + latency);
		}
		ensureOpen();
		this.faults.latency(latency);
		log.debug("{} latency {}", this, latency);
	}

	/**
	 * Closes every current connection abruptly, on both sides, with a TCP RST (SO_LINGER 0), as a network device
	 * dropping the flows would; this happens even during a black hole. Bytes held for those connections are lost with
	 * them, as with any reset. The proxy keeps accepting, so clients that reconnect get through (subject to the
	 * current faults).
	 * @throws IllegalStateException if the proxy is closed
	 */
	public void cutConnections() {
		ensureOpen();
		List<ProxyConnection> current = List.copyOf(this.open);
		current.forEach(ProxyConnection::abort);
		log.debug("{} cut {} connections", this, current.size());
	}

	/** @return whether a {@linkplain #blackhole() black hole} is in force */
	public boolean isBlackholed() {
		return this.faults.isBlackholed();
	}

	/**
	 * The number of open proxied connections: accepted from a client and not yet closed by either side, by
	 * {@link #cutConnections()} or by {@link #close()}. A connection accepted during a black hole counts although it
	 * does not reach the target yet, because the client sees it open.
	 * @return the number of open connections
	 */
	public int connections() {
		return this.open.size();
	}

	/**
	 * Stops accepting, closes every connection with a TCP RST and waits up to 5 seconds for all the proxy's threads
	 * to end; the port is free again when this returns. Idempotent.
	 */
	@Override
	public void close() {
		synchronized (this) {
			if (this.closed) {
				return;
			}
			// Set under the lock that startThread and register take, so no thread or connection appears after it.
			this.closed = true;
		}
		try {
			this.serverSocket.close();
		}
		catch (IOException ex) {
			log.warn("Could not close the server socket of {}", this, ex);
		}
		List.copyOf(this.open).forEach(ProxyConnection::abort);
		this.faults.wake();
		long deadline = System.nanoTime() + CLOSE_TIMEOUT.toNanos();
		for (Thread thread : List.copyOf(this.threads)) {
			join(thread, deadline);
		}
		log.debug("Closed {}", this);
	}

	@Override
	public String toString() {
		return "FaultProxy[" + HOST + ":" + port() + " -> " + this.target.getHostString() + ":" + this.target.getPort()
				+ "]";
	}

	private void acceptLoop() {
		while (true) {
			Socket client;
			try {
				client = this.serverSocket.accept();
				client.setTcpNoDelay(true);
			}
			catch (IOException ex) {
				if (!this.serverSocket.isClosed()) {
					// Not retried: a persistent failure such as too many open files would spin on a shared machine.
					log.error("{} stops accepting connections", this, ex);
				}
				return;
			}
			String name = this.threadPrefix + "-" + this.connectionIds.incrementAndGet();
			// Resolved on every connection, as a client would, so a target that moves is followed.
			InetSocketAddress resolved = new InetSocketAddress(this.target.getHostString(), this.target.getPort());
			ProxyConnection connection = new ProxyConnection(name, client, resolved, this.faults, this::startThread,
					this.open::remove);
			if (register(connection)) {
				connection.start();
			}
			else {
				connection.abort();
			}
		}
	}

	private synchronized boolean register(ProxyConnection connection) {
		if (this.closed) {
			return false;
		}
		this.open.add(connection);
		return true;
	}

	private synchronized void startThread(String name, Runnable task) {
		if (this.closed) {
			return;
		}
		this.threads.removeIf(thread -> !thread.isAlive());
		Thread thread = new Thread(task, name);
		thread.setDaemon(true);
		this.threads.add(thread);
		thread.start();
	}

	private synchronized void ensureOpen() {
		if (this.closed) {
			throw new IllegalStateException(this + " is closed");
		}
	}

	private void join(Thread thread, long deadline) {
		try {
			long remaining = deadline - System.nanoTime();
			if (remaining > 0) {
				TimeUnit.NANOSECONDS.timedJoin(thread, remaining);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		if (thread.isAlive()) {
			log.warn("{}: thread {} did not end within {} s", this, thread.getName(), CLOSE_TIMEOUT.toSeconds());
		}
	}

}
