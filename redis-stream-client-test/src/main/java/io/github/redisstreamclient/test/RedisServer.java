package io.github.redisstreamclient.test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.function.IntSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.CommandOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.ProtocolKeyword;
import io.lettuce.core.protocol.ProtocolVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * A real {@code redis-server} process on a free loopback port, for integration tests that must see how code copes
 * when Redis crashes, restarts, stalls or rejects commands &mdash; things an in-memory fake cannot show.
 * <p>
 * Every server gets its own temporary data directory, which is also where it logs ({@code redis.log}), so
 * persistence switched on through extra arguments survives {@link #kill()} followed by {@link #restart()}, and no
 * other Redis on the machine is ever touched. Persistence is off unless asked for.
 * <p>
 * The binary is, in this order: the path in system property {@value #BINARY_PROPERTY}, {@code redis-server} on the
 * {@code PATH}, or the Redis 6.2 binary shipped in the {@code com.github.codemonstur:embedded-redis} jar.
 * <p>
 * A JVM shutdown hook kills every server that was not closed, so an aborted test run leaves no orphan processes.
 *
 * <pre>{@code
 * try (RedisServer redis = RedisServer.start("--appendonly", "yes", "--appendfsync", "always")) {
 *     redis.command("SET", "k", "v");
 *     redis.kill();
 *     redis.restart();
 *     assert "v".equals(redis.command("GET", "k"));
 * }
 * }</pre>
 */
public final class RedisServer implements AutoCloseable {

	/** System property naming the {@code redis-server} binary to use instead of the one found automatically. */
	public static final String BINARY_PROPERTY = "redis.server.binary";

	private static final Logger log = LoggerFactory.getLogger(RedisServer.class);

	private static final String HOST = "127.0.0.1";

	private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(10);

	private static final Duration PORT_REUSE_TIMEOUT = Duration.ofSeconds(10);

	private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

	private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(10);

	private static final int PORT_ATTEMPTS = 5;

	private static final Pattern VERSION = Pattern.compile("v=(\\S+)");

	// Tracked so the shutdown hook can reach servers whose tests never got to close them.
	private static final Set<RedisServer> OPEN = ConcurrentHashMap.newKeySet();

	private static final Map<Path, String> VERSIONS = new ConcurrentHashMap<>();

	private static volatile Path defaultBinary;

	private static volatile Path embeddedBinary;

	static {
		Runtime.getRuntime()
			.addShutdownHook(new Thread(() -> OPEN.forEach(RedisServer::destroyOnExit), "redis-server-reaper"));
	}

	private final int port;

	private final Path dataDir;

	private final List<String> commandLine;

	private final List<LettuceConnectionFactory> factories = new CopyOnWriteArrayList<>();

	private volatile Process process;

	private volatile boolean suspended;

	private boolean closed;

	private RedisClient client;

	private StatefulRedisConnection<String, String> connection;

	private RedisServer(Path binary, int port, Path dataDir, String... extraArgs) {
		this.port = port;
		this.dataDir = dataDir;
		List<String> line = new ArrayList<>(List.of(binary.toString(), "--port", Integer.toString(port), "--bind", HOST,
				"--protected-mode", "no", "--save", "", "--appendonly", "no", "--dir", dataDir.toString(), "--logfile",
				logFile().toString(), "--daemonize", "no"));
		// Redis 7 refuses DEBUG (and so DEBUG SLEEP) by default; Redis 6.2 allows it but aborts on the unknown option.
		if (majorVersion(versionOf(binary)) >= 7) {
			line.addAll(List.of("--enable-debug-command", "yes"));
		}
		// Appended last because redis lets later options override earlier ones.
		line.addAll(Arrays.asList(extraArgs));
		this.commandLine = List.copyOf(line);
		OPEN.add(this);
	}

	/**
	 * Starts a server on a free port and returns once it answers {@code PING}.
	 * @param extraArgs redis command line options such as {@code "--appendonly", "yes"}; they come after the defaults
	 * and therefore override them
	 * @return the running server; close it to kill the process and delete its data directory
	 * @throws IllegalStateException if the server does not come up within 10 seconds; the message carries the tail of
	 * its log
	 */
	public static RedisServer start(String... extraArgs) {
		return start(RedisServer::freePort, port -> extraArgs);
	}

	/**
	 * Starts a server on a port drawn from {@code ports}, with options that may depend on that port; for
	 * {@link RedisCluster}, whose nodes name their config file after the port and also need port + 10000 free.
	 * @param ports supplies a candidate port for every attempt
	 * @param extraArgs the options for a given port, as for {@link #start(String...)}
	 * @return the running server
	 */
	static RedisServer start(IntSupplier ports, IntFunction<String[]> extraArgs) {
		Path binary = binary();
		IllegalStateException lastPortClash = null;
		// The port is free when probed but another process may take it before redis binds it.
		for (int attempt = 0; attempt < PORT_ATTEMPTS; attempt++) {
			int port = ports.getAsInt();
			RedisServer server = new RedisServer(binary, port, createDataDir(), extraArgs.apply(port));
			try {
				server.launch();
				log.debug("Started {}", server);
				return server;
			}
			catch (PortInUseException ex) {
				lastPortClash = ex;
				server.close();
			}
			catch (RuntimeException ex) {
				server.close();
				throw ex;
			}
		}
		throw new IllegalStateException("No free port for redis-server after " + PORT_ATTEMPTS + " attempts",
				lastPortClash);
	}

	/**
	 * The {@code redis-server} binary new servers are started with.
	 * @return the binary named by {@value #BINARY_PROPERTY}, else the one on the {@code PATH}, else the one extracted
	 * from the embedded-redis jar
	 * @throws IllegalStateException if none is available for this platform
	 */
	public static Path binary() {
		// Read on every call so a test can switch binaries without restarting the JVM.
		String override = System.getProperty(BINARY_PROPERTY);
		if (override != null && !override.isBlank()) {
			return Path.of(override);
		}
		Path found = defaultBinary;
		if (found == null) {
			synchronized (RedisServer.class) {
				if (defaultBinary == null) {
					defaultBinary = findOnPath().orElseGet(RedisServer::embeddedBinary);
				}
				found = defaultBinary;
			}
		}
		return found;
	}

	/**
	 * The version of {@link #binary()}, as reported by {@code redis-server --version}.
	 * @return the version, such as {@code 7.0.15}
	 */
	public static String version() {
		return versionOf(binary());
	}

	/** @return the port the server listens on; it stays the same across {@link #restart()} */
	public int port() {
		return this.port;
	}

	/** @return the address the server listens on, always {@code 127.0.0.1} */
	public String host() {
		return HOST;
	}

	/** @return a Redis URI such as {@code redis://127.0.0.1:40123} */
	public String uri() {
		return "redis://" + HOST + ":" + this.port;
	}

	/** @return the process id of the current, or after a kill the last, {@code redis-server} process */
	public long pid() {
		return this.process.pid();
	}

	/** @return the data directory, which also holds {@code redis.log}; deleted by {@link #close()} */
	public Path dataDir() {
		return this.dataDir;
	}

	/** @return whether the process is alive; a {@linkplain #suspend() suspended} process counts as running */
	public boolean isRunning() {
		Process current = this.process;
		return current != null && current.isAlive();
	}

	/** @return whether the process is stopped by {@link #suspend()} and not yet resumed */
	public boolean isSuspended() {
		return this.suspended && isRunning();
	}

	/**
	 * Kills the process with {@code SIGKILL}, as a crash or an OOM kill would, and waits for it to exit. Nothing is
	 * flushed, so only writes already fsynced (for example with {@code --appendfsync always}) survive a
	 * {@link #restart()}. Does nothing if the process is not running.
	 */
	public synchronized void kill() {
		closeConnection();
		Process current = this.process;
		if (current != null) {
			current.destroyForcibly();
			awaitExit(current, STOP_TIMEOUT);
		}
		this.suspended = false;
	}

	/**
	 * Starts the server again on the same port, with the same data directory and arguments, and waits until it
	 * answers {@code PING}; whatever the configured persistence saved is loaded again. A running server is
	 * {@linkplain #kill() killed} first. Retries for up to 10 seconds while the port is still taken.
	 * @throws IllegalStateException if the server does not come back
	 */
	public synchronized void restart() {
		ensureOpen();
		kill();
		long deadline = System.nanoTime() + PORT_REUSE_TIMEOUT.toNanos();
		while (true) {
			try {
				launch();
				return;
			}
			catch (PortInUseException ex) {
				if (System.nanoTime() > deadline) {
					throw new IllegalStateException("Port " + this.port + " still in use after "
							+ PORT_REUSE_TIMEOUT.toSeconds() + " s", ex);
				}
				sleep(Duration.ofMillis(100));
			}
		}
	}

	/**
	 * Shuts the server down gracefully with {@code SHUTDOWN}, so the configured persistence is written as on a clean
	 * shutdown, and waits for the process to exit. Falls back to terminating the process if Redis refuses or takes
	 * longer than 10 seconds. Does nothing if the process is not running.
	 */
	public synchronized void stop() {
		closeConnection();
		Process current = this.process;
		if (current == null || !current.isAlive()) {
			return;
		}
		if (this.suspended) {
			resume();
		}
		boolean accepted = false;
		try {
			String reply = send(STOP_TIMEOUT, "SHUTDOWN");
			// Redis answers a successful SHUTDOWN by closing the connection, a refused one with an error.
			accepted = reply == null;
			if (!accepted) {
				log.warn("redis-server on port {} refused SHUTDOWN: {}", this.port, reply);
			}
		}
		catch (IOException ex) {
			log.warn("Could not send SHUTDOWN to redis-server on port {}", this.port, ex);
		}
		if (accepted && awaitExit(current, STOP_TIMEOUT)) {
			return;
		}
		current.destroy();
		if (!awaitExit(current, STOP_TIMEOUT)) {
			current.destroyForcibly();
			awaitExit(current, STOP_TIMEOUT);
		}
	}

	/**
	 * Freezes the process with {@code SIGSTOP}. Connections stay open but nothing is answered, as with a server
	 * stuck in a long GC-like stall or a network partition that drops packets; clients see timeouts, not
	 * disconnects.
	 */
	public void suspend() {
		signal("STOP");
		this.suspended = true;
	}

	/** Lets a {@linkplain #suspend() suspended} process continue with {@code SIGCONT}; it then answers what queued up. */
	public void resume() {
		signal("CONT");
		this.suspended = false;
	}

	/**
	 * Suspends the process for the given time, then resumes it.
	 * @param duration how long the server stays frozen
	 */
	public void pause(Duration duration) {
		suspend();
		try {
			sleep(duration);
		}
		finally {
			resume();
		}
	}

	/**
	 * Makes Redis block its event loop with {@code DEBUG SLEEP}, which, unlike {@link #suspend()}, is a busy server
	 * rather than a frozen one: the kernel still accepts connections. Returns when the command returns.
	 * @param duration how long Redis sleeps, with millisecond precision
	 */
	public void debugSleep(Duration duration) {
		String seconds = BigDecimal.valueOf(duration.toMillis(), 3).toPlainString();
		String reply;
		try {
			reply = send(duration.plus(COMMAND_TIMEOUT), "DEBUG", "SLEEP", seconds);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("DEBUG SLEEP failed on port " + this.port, ex);
		}
		if (!"+OK".equals(reply)) {
			throw new IllegalStateException("DEBUG SLEEP failed on port " + this.port + ": " + reply);
		}
	}

	/**
	 * Runs any Redis command, for setting up and inspecting state a test cannot reach through the code under test.
	 * The connection speaks RESP2, so replies decode the same on every Redis version: bulk and status replies as
	 * {@link String}, integers as {@link Long}, arrays as (nested) {@link List}, nil as {@code null}.
	 * @param args the command and its arguments, such as {@code "XPENDING", "stream", "group"}
	 * @return the decoded reply
	 * @throws io.lettuce.core.RedisCommandExecutionException if Redis answers with an error
	 */
	public Object command(String... args) {
		if (args.length == 0) {
			throw new IllegalArgumentException("No command given");
		}
		CommandArgs<String, String> commandArgs = new CommandArgs<>(StringCodec.UTF8);
		for (int i = 1; i < args.length; i++) {
			commandArgs.add(args[i].getBytes(StandardCharsets.UTF_8));
		}
		return connection().sync().dispatch(new Keyword(args[0]), new ReplyOutput(), commandArgs);
	}

	/**
	 * Creates a started connection factory for this server with a 5 second command timeout. The server destroys it
	 * on {@link #close()}; destroying it earlier is fine.
	 * @return a new factory, not shared with other callers
	 */
	public LettuceConnectionFactory connectionFactory() {
		ensureOpen();
		LettuceClientConfiguration clientConfiguration = LettuceClientConfiguration.builder()
			.commandTimeout(Duration.ofSeconds(5))
			.shutdownTimeout(Duration.ZERO)
			.build();
		LettuceConnectionFactory factory = new LettuceConnectionFactory(new RedisStandaloneConfiguration(HOST, this.port),
				clientConfiguration);
		factory.afterPropertiesSet();
		factory.start();
		this.factories.add(factory);
		return factory;
	}

	/** Destroys the tracked connection factories, kills the process and deletes the data directory. Idempotent. */
	@Override
	public synchronized void close() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		this.factories.forEach(RedisServer::destroyQuietly);
		this.factories.clear();
		kill();
		if (this.client != null) {
			this.client.shutdown(0, 2, TimeUnit.SECONDS);
			this.client = null;
		}
		deleteRecursively(this.dataDir);
		OPEN.remove(this);
		log.debug("Closed {}", this);
	}

	@Override
	public String toString() {
		return "RedisServer[" + uri() + ", pid " + (this.process != null ? this.process.pid() : "-") + "]";
	}

	void release(LettuceConnectionFactory factory) {
		this.factories.remove(factory);
		destroyQuietly(factory);
	}

	static Path embeddedBinary() {
		Path extracted = embeddedBinary;
		if (extracted == null) {
			synchronized (RedisServer.class) {
				if (embeddedBinary == null) {
					embeddedBinary = extractEmbedded();
				}
				extracted = embeddedBinary;
			}
		}
		return extracted;
	}

	static int majorVersion(String version) {
		Matcher matcher = Pattern.compile("^(\\d+)").matcher(version);
		return matcher.find() ? Integer.parseInt(matcher.group(1)) : 0;
	}

	private void launch() {
		long logOffset = size(logFile());
		long outOffset = size(outFile());
		Process started;
		try {
			started = new ProcessBuilder(this.commandLine).directory(this.dataDir.toFile())
				.redirectErrorStream(true)
				.redirectOutput(Redirect.appendTo(outFile().toFile()))
				.start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not run " + this.commandLine.get(0), ex);
		}
		this.process = started;
		this.suspended = false;
		long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
		while (true) {
			if (!started.isAlive()) {
				awaitExit(started, STOP_TIMEOUT);
				String output = readFrom(outFile(), outOffset) + readFrom(logFile(), logOffset);
				if (output.contains("Address already in use")) {
					throw new PortInUseException("Port " + this.port + " is in use:\n" + tail(output));
				}
				throw new IllegalStateException("redis-server on port " + this.port + " exited with code "
						+ started.exitValue() + ". Command line: " + this.commandLine + "\n" + tail(output));
			}
			if (answersPing(started.pid())) {
				return;
			}
			if (System.nanoTime() > deadline) {
				started.destroyForcibly();
				awaitExit(started, STOP_TIMEOUT);
				String output = readFrom(outFile(), outOffset) + readFrom(logFile(), logOffset);
				throw new IllegalStateException("redis-server on port " + this.port + " did not answer PING within "
						+ STARTUP_TIMEOUT.toSeconds() + " s\n" + tail(output));
			}
			sleep(Duration.ofMillis(20));
		}
	}

	// Checks the pid too: if our process lost the port race, another Redis could be the one answering.
	private boolean answersPing(long pid) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(HOST, this.port), 500);
			socket.setSoTimeout(2000);
			OutputStream out = socket.getOutputStream();
			InputStream in = socket.getInputStream();
			out.write(encode("PING"));
			out.flush();
			if (!"+PONG".equals(readLine(in))) {
				return false;
			}
			out.write(encode("INFO", "server"));
			out.flush();
			String header = readLine(in);
			if (header == null || !header.startsWith("$")) {
				return false;
			}
			String info = new String(in.readNBytes(Integer.parseInt(header.substring(1))), StandardCharsets.UTF_8);
			return info.contains("\nprocess_id:" + pid + "\r");
		}
		catch (IOException ex) {
			return false;
		}
	}

	// A raw socket rather than Lettuce: SHUTDOWN answers by closing the connection, and DEBUG SLEEP needs a timeout
	// longer than any connection default. Returns the first reply line, or null if the server closed the connection.
	private String send(Duration timeout, String... args) throws IOException {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(HOST, this.port), 2000);
			socket.setSoTimeout(Math.toIntExact(timeout.toMillis()));
			socket.getOutputStream().write(encode(args));
			socket.getOutputStream().flush();
			return readLine(socket.getInputStream());
		}
	}

	private synchronized StatefulRedisConnection<String, String> connection() {
		ensureOpen();
		if (this.connection == null || !this.connection.isOpen()) {
			if (this.client == null) {
				this.client = RedisClient.create();
				// RESP2 keeps replies as lists on Redis 6 and 7 alike; no reconnect because kill() must stay a kill.
				this.client.setOptions(
						ClientOptions.builder().protocolVersion(ProtocolVersion.RESP2).autoReconnect(false).build());
			}
			this.connection = this.client.connect(StringCodec.UTF8,
					RedisURI.builder().withHost(HOST).withPort(this.port).withTimeout(COMMAND_TIMEOUT).build());
		}
		return this.connection;
	}

	private synchronized void closeConnection() {
		if (this.connection != null) {
			this.connection.close();
			this.connection = null;
		}
	}

	private void signal(String signal) {
		Process current = this.process;
		if (current == null || !current.isAlive()) {
			throw new IllegalStateException("redis-server on port " + this.port + " is not running");
		}
		try {
			Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(current.pid()))
				.redirectErrorStream(true)
				.start();
			String output = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			if (kill.waitFor() != 0) {
				throw new IllegalStateException("kill -" + signal + " " + current.pid() + " failed: " + output);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while sending SIG" + signal, ex);
		}
	}

	private void ensureOpen() {
		if (this.closed) {
			throw new IllegalStateException(this + " is closed");
		}
	}

	private Path logFile() {
		return this.dataDir.resolve("redis.log");
	}

	private Path outFile() {
		return this.dataDir.resolve("redis.out");
	}

	// Runs in the shutdown hook, so it takes no locks a stuck test thread might hold.
	private void destroyOnExit() {
		Process current = this.process;
		if (current != null) {
			current.destroyForcibly();
			awaitExit(current, Duration.ofSeconds(2));
		}
		deleteRecursively(this.dataDir);
	}

	private static Optional<Path> findOnPath() {
		String path = System.getenv("PATH");
		if (path == null) {
			return Optional.empty();
		}
		return Arrays.stream(path.split(java.io.File.pathSeparator))
			.filter(entry -> !entry.isBlank())
			.map(entry -> Path.of(entry, "redis-server"))
			.filter(candidate -> Files.isRegularFile(candidate) && Files.isExecutable(candidate))
			.findFirst();
	}

	private static Path extractEmbedded() {
		String resource = embeddedResource();
		try (InputStream in = RedisServer.class.getResourceAsStream(resource)) {
			if (in == null) {
				throw new IllegalStateException("No redis-server on the PATH and " + resource
						+ " not on the classpath; install Redis or set -D" + BINARY_PROPERTY);
			}
			Path file = Files.createTempFile("redis-server-", "");
			file.toFile().deleteOnExit();
			Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
			if (!file.toFile().setExecutable(true)) {
				throw new IllegalStateException("Cannot make " + file + " executable");
			}
			return file;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not extract " + resource, ex);
		}
	}

	private static String embeddedResource() {
		String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
		String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
		boolean arm = arch.equals("aarch64") || arch.equals("arm64");
		boolean x64 = arch.equals("amd64") || arch.equals("x86_64");
		if (os.contains("linux") && x64) {
			return "/redis-server-6.2.6-v5-linux-amd64";
		}
		if (os.contains("linux") && arm) {
			return "/redis-server-6.2.7-linux-arm64";
		}
		if (os.contains("mac") && x64) {
			return "/redis-server-6.2.6-v5-darwin-amd64";
		}
		if (os.contains("mac") && arm) {
			return "/redis-server-6.2.6-v5-darwin-arm64";
		}
		throw new IllegalStateException("No redis-server on the PATH and no embedded one for " + os + "/" + arch
				+ "; install Redis or set -D" + BINARY_PROPERTY);
	}

	private static String versionOf(Path binary) {
		return VERSIONS.computeIfAbsent(binary, RedisServer::readVersion);
	}

	private static String readVersion(Path binary) {
		try {
			Process process = new ProcessBuilder(binary.toString(), "--version").redirectErrorStream(true).start();
			String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			process.waitFor();
			Matcher matcher = VERSION.matcher(output);
			if (!matcher.find()) {
				throw new IllegalStateException("Unexpected output of " + binary + " --version: " + output);
			}
			return matcher.group(1);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not run " + binary, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while running " + binary + " --version", ex);
		}
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not find a free port", ex);
		}
	}

	private static Path createDataDir() {
		try {
			return Files.createTempDirectory("redis-server-");
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not create a data directory", ex);
		}
	}

	private static byte[] encode(String... args) {
		StringBuilder resp = new StringBuilder("*").append(args.length).append("\r\n");
		for (String arg : args) {
			resp.append('$').append(arg.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(arg).append("\r\n");
		}
		return resp.toString().getBytes(StandardCharsets.UTF_8);
	}

	private static String readLine(InputStream in) throws IOException {
		StringBuilder line = new StringBuilder();
		int b;
		while ((b = in.read()) != -1 && b != '\n') {
			if (b != '\r') {
				line.append((char) b);
			}
		}
		return (b == -1 && line.length() == 0) ? null : line.toString();
	}

	private static boolean awaitExit(Process process, Duration timeout) {
		try {
			return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return !process.isAlive();
		}
	}

	private static void sleep(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted", ex);
		}
	}

	private static long size(Path file) {
		try {
			return Files.exists(file) ? Files.size(file) : 0;
		}
		catch (IOException ex) {
			return 0;
		}
	}

	private static String readFrom(Path file, long offset) {
		try {
			if (!Files.exists(file)) {
				return "";
			}
			byte[] bytes = Files.readAllBytes(file);
			int from = (int) Math.min(offset, bytes.length);
			return new String(bytes, from, bytes.length - from, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			return "(cannot read " + file + ": " + ex + ")";
		}
	}

	private static String tail(String output) {
		List<String> lines = output.lines().toList();
		return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
	}

	private static void destroyQuietly(LettuceConnectionFactory factory) {
		try {
			factory.destroy();
		}
		catch (RuntimeException ex) {
			log.warn("Could not destroy {}", factory, ex);
		}
	}

	private static void deleteRecursively(Path dir) {
		if (!Files.exists(dir)) {
			return;
		}
		try (Stream<Path> paths = Files.walk(dir)) {
			paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
		}
		catch (IOException | UncheckedIOException ex) {
			log.warn("Could not delete {}", dir, ex);
		}
	}

	/** Lets {@link #command} send command names Lettuce has no constant for. */
	private static final class Keyword implements ProtocolKeyword {

		private final String name;

		Keyword(String name) {
			this.name = name;
		}

		@Override
		public byte[] getBytes() {
			return this.name.getBytes(StandardCharsets.US_ASCII);
		}

		@Override
		public String toString() {
			return this.name;
		}

	}

	/**
	 * Keeps a scalar reply unwrapped and an array reply as a (nested) list. Lettuce's own generic outputs do not fit:
	 * {@code NestedMultiOutput} wraps scalars in a list and {@code ObjectOutput} fails on scalar replies.
	 */
	private static final class ReplyOutput extends CommandOutput<String, String, Object> {

		private final Deque<List<Object>> openArrays = new ArrayDeque<>();

		ReplyOutput() {
			super(StringCodec.UTF8, null);
		}

		@Override
		public void set(ByteBuffer bytes) {
			add(bytes != null ? this.codec.decodeValue(bytes) : null);
		}

		@Override
		public void setSingle(ByteBuffer bytes) {
			set(bytes);
		}

		@Override
		public void set(long integer) {
			add(integer);
		}

		@Override
		public void set(double number) {
			add(number);
		}

		@Override
		public void set(boolean value) {
			add(value);
		}

		@Override
		public void multi(int count) {
			// A RESP2 null array (*-1), as XREADGROUP sends when nothing is new.
			if (count < 0) {
				add(null);
				return;
			}
			List<Object> array = new ArrayList<>(Math.max(count, 0));
			add(array);
			this.openArrays.push(array);
		}

		@Override
		public void complete(int depth) {
			while (this.openArrays.size() > depth) {
				this.openArrays.pop();
			}
		}

		private void add(Object value) {
			if (this.openArrays.isEmpty()) {
				this.output = value;
			}
			else {
				this.openArrays.peek().add(value);
			}
		}

	}

	/** A bind clash, which {@link #start} and {@link #restart} retry rather than report. */
	private static final class PortInUseException extends IllegalStateException {

		private static final long serialVersionUID = 1L;

		PortInUseException(String message) {
			super(message);
		}

	}

}
