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
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.HexFormat;
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

import javax.net.ssl.SSLContext;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SslOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.CommandOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.ProtocolKeyword;
import io.lettuce.core.protocol.ProtocolVersion;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.connection.RedisPassword;
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
 * <p>
 * {@link #builder()} starts servers that speak only TLS (certificates generated into the data directory, see
 * {@link TlsCertificates}) and that know extra ACL users. The {@code default} user keeps every right and no
 * password, so {@link #command(String...)} and {@link #connectionFactory()} stay administrators;
 * {@link #connectionFactory(String, String)} connects as one of the restricted users.
 *
 * <pre>{@code
 * try (RedisServer redis = RedisServer.start("--appendonly", "yes", "--appendfsync", "always")) {
 *     redis.command("SET", "k", "v");
 *     redis.kill();
 *     redis.restart();
 *     assert "v".equals(redis.command("GET", "k"));
 * }
 *
 * try (RedisServer redis = RedisServer.builder()
 *         .tls()
 *         .user("orders", "s3cret", "~orders-*", "+@stream")
 *         .start()) {
 *     LettuceConnectionFactory orders = redis.connectionFactory("orders", "s3cret");   // TLS, as user orders
 * }
 * }</pre>
 */
public final class RedisServer implements AutoCloseable {

	/** System property naming the {@code redis-server} binary to use instead of the one found automatically. */
	public static final String BINARY_PROPERTY = "redis.server.binary";

	/** Value of {@value #BINARY_PROPERTY} that picks the binary shipped in the embedded-redis jar (Redis 6.2). */
	public static final String EMBEDDED = "embedded";

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

	private static final Map<Path, Boolean> TLS_SUPPORT = new ConcurrentHashMap<>();

	// Values of these options are secrets: they never go into an exception message.
	private static final Set<String> SECRET_OPTIONS = Set.of("--requirepass", "--masterauth", "--tls-key-file-pass",
			"--tls-client-key-file-pass");

	private static volatile Path defaultBinary;

	private static volatile Path embeddedBinary;

	static {
		Runtime.getRuntime()
			.addShutdownHook(new Thread(() -> OPEN.forEach(RedisServer::destroyOnExit), "redis-server-reaper"));
	}

	private final int port;

	private final Path dataDir;

	private final List<String> commandLine;

	private final @Nullable TlsCertificates tls;

	private final @Nullable SSLContext sslContext;

	private final List<LettuceConnectionFactory> factories = new CopyOnWriteArrayList<>();

	private volatile Process process;

	private volatile boolean suspended;

	private boolean closed;

	private RedisClient client;

	private StatefulRedisConnection<String, String> connection;

	private RedisServer(Path binary, int port, Path dataDir, Builder options, String... extraArgs) {
		this.port = port;
		this.dataDir = dataDir;
		this.tls = options.tls ? TlsCertificates.generate(dataDir) : null;
		this.sslContext = (this.tls != null) ? this.tls.sslContext() : null;
		List<String> line = new ArrayList<>(List.of(binary.toString()));
		if (this.tls != null) {
			// TLS only: a plain port would let a test pass that never spoke TLS.
			line.addAll(List.of("--port", "0", "--tls-port", Integer.toString(port), "--tls-cert-file",
					this.tls.serverCertificate().toString(), "--tls-key-file", this.tls.serverKey().toString(),
					"--tls-ca-cert-file", this.tls.caCertificate().toString(), "--tls-auth-clients", "no"));
		}
		else {
			line.addAll(List.of("--port", Integer.toString(port)));
		}
		line.addAll(List.of("--bind", HOST, "--protected-mode", "no", "--save", "", "--appendonly", "no", "--dir",
				dataDir.toString(), "--logfile", logFile().toString(), "--daemonize", "no"));
		if (!options.users.isEmpty()) {
			line.addAll(List.of("--aclfile", writeAclFile(dataDir, options.users).toString()));
		}
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
	 * Starts building a server with TLS or ACL users; {@link Builder#start()} starts it.
	 * @return a builder for a plain server without extra users until told otherwise
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Starts a server that speaks only TLS, with a certificate signed by a CA generated for it.
	 * @param extraArgs redis command line options, as for {@link #start(String...)}
	 * @return the running server
	 * @throws IllegalStateException if the binary cannot serve TLS; check {@link #supportsTls()} first
	 */
	public static RedisServer startTls(String... extraArgs) {
		return builder().tls().args(extraArgs).start();
	}

	/**
	 * Whether {@link #binary()} can serve TLS (not every build links OpenSSL). Found out by starting a TLS server
	 * once per binary; tests use it in an assumption so that they are skipped, not failed, without TLS.
	 * @return whether a TLS server came up
	 */
	public static boolean supportsTls() {
		return TLS_SUPPORT.computeIfAbsent(binary(), (binary) -> {
			try (RedisServer probe = startTls()) {
				return true;
			}
			catch (RuntimeException ex) {
				log.warn("{} cannot serve TLS: {}", binary, ex.getMessage());
				return false;
			}
		});
	}

	/**
	 * Starts a server on a port drawn from {@code ports}, with options that may depend on that port; for
	 * {@link RedisCluster}, whose nodes name their config file after the port and also need port + 10000 free.
	 * @param ports supplies a candidate port for every attempt
	 * @param extraArgs the options for a given port, as for {@link #start(String...)}
	 * @return the running server
	 */
	static RedisServer start(IntSupplier ports, IntFunction<String[]> extraArgs) {
		return start(ports, extraArgs, new Builder());
	}

	private static RedisServer start(IntSupplier ports, IntFunction<String[]> extraArgs, Builder options) {
		Path binary = binary();
		IllegalStateException lastPortClash = null;
		// The port is free when probed but another process may take it before redis binds it.
		for (int attempt = 0; attempt < PORT_ATTEMPTS; attempt++) {
			int port = ports.getAsInt();
			RedisServer server = new RedisServer(binary, port, createDataDir(), options, extraArgs.apply(port));
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
	 * @return the binary named by {@value #BINARY_PROPERTY} (the embedded-redis one when it says {@value #EMBEDDED}),
	 * else the one on the {@code PATH}, else the one extracted from the embedded-redis jar
	 * @throws IllegalStateException if none is available for this platform
	 */
	public static Path binary() {
		// Read on every call so a test can switch binaries without restarting the JVM.
		String override = System.getProperty(BINARY_PROPERTY);
		if (EMBEDDED.equals(override)) {
			return embeddedBinary();
		}
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

	/** @return a Redis URI such as {@code redis://127.0.0.1:40123}, or {@code rediss://...} with TLS */
	public String uri() {
		return ((this.tls != null) ? "rediss://" : "redis://") + HOST + ":" + this.port;
	}

	/** @return whether the server speaks only TLS on {@link #port()} */
	public boolean isTls() {
		return this.tls != null;
	}

	/**
	 * The certificates of a TLS server: clients trust {@link TlsCertificates#caCertificate()}.
	 * @return the certificates
	 * @throws IllegalStateException if the server was not started with TLS
	 */
	public TlsCertificates tls() {
		if (this.tls == null) {
			throw new IllegalStateException(this + " was not started with TLS");
		}
		return this.tls;
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
	 * Runs an {@code ACL SETUSER} command given as text, as documented rules are written: tokens separated by
	 * spaces or line breaks, such as {@code "ACL SETUSER orders reset on >s3cret ~orders-* +@stream"}. The user
	 * lives until the server is restarted (unless saved with {@code ACL SAVE} on a server with ACL users).
	 * @param aclSetUser the command, starting with {@code ACL SETUSER}
	 */
	public void setUser(String aclSetUser) {
		String[] tokens = aclSetUser.trim().split("\\s+");
		if (tokens.length < 3 || !tokens[0].equalsIgnoreCase("ACL") || !tokens[1].equalsIgnoreCase("SETUSER")) {
			throw new IllegalArgumentException("Not an ACL SETUSER command: " + redacted(Arrays.asList(tokens)));
		}
		command(tokens);
	}

	/**
	 * The server's ACL log: the commands, keys and channels it refused, and failed logins, newest first.
	 * @return one map per entry, with the keys Redis gives ({@code reason}, {@code context}, {@code object},
	 * {@code username}, ...)
	 */
	public List<Map<String, Object>> aclLog() {
		List<Map<String, Object>> entries = new ArrayList<>();
		for (Object entry : (List<?>) command("ACL", "LOG")) {
			List<?> fields = (List<?>) entry;
			Map<String, Object> map = new java.util.LinkedHashMap<>();
			for (int i = 0; i + 1 < fields.size(); i += 2) {
				map.put(String.valueOf(fields.get(i)), fields.get(i + 1));
			}
			entries.add(map);
		}
		return entries;
	}

	/**
	 * Creates a started connection factory for this server with a 5 second command timeout, connecting as the
	 * {@code default} user (every right) and over TLS if the server speaks it. The server destroys it on
	 * {@link #close()}; destroying it earlier is fine.
	 * @return a new factory, not shared with other callers
	 */
	public LettuceConnectionFactory connectionFactory() {
		return connectionFactory(null, null);
	}

	/**
	 * Like {@link #connectionFactory()}, connecting as an ACL user: Lettuce authenticates with {@code HELLO 3 AUTH}
	 * (or {@code AUTH} on a server without {@code HELLO}). With TLS the factory trusts only this server's CA and
	 * verifies its host name.
	 * @param username the ACL user, or {@code null} for {@code default}
	 * @param password its password, or {@code null} for none
	 * @return a new started factory
	 */
	public LettuceConnectionFactory connectionFactory(@Nullable String username,
			@Nullable String password) {
		ensureOpen();
		LettuceClientConfiguration.LettuceClientConfigurationBuilder builder = LettuceClientConfiguration.builder()
			.commandTimeout(Duration.ofSeconds(5))
			.shutdownTimeout(Duration.ZERO);
		if (this.tls != null) {
			// Spring Data Redis's default client options, plus the CA to trust.
			builder.useSsl();
			builder.clientOptions(ClientOptions.builder()
				.timeoutOptions(TimeoutOptions.enabled())
				.sslOptions(sslOptions())
				.build());
		}
		RedisStandaloneConfiguration server = new RedisStandaloneConfiguration(HOST, this.port);
		if (username != null) {
			server.setUsername(username);
		}
		if (password != null) {
			server.setPassword(RedisPassword.of(password));
		}
		LettuceConnectionFactory factory = new LettuceConnectionFactory(server, builder.build());
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

	/**
	 * The major version of a Redis version string.
	 * @param version such as {@code 7.0.15}, from {@link #version()}
	 * @return such as 7; 0 when the string does not start with a number
	 */
	public static int majorVersion(String version) {
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
						+ started.exitValue() + ". Command line: " + redacted(this.commandLine) + "\n" + tail(output));
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
		try (Socket socket = openSocket(500)) {
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
		try (Socket socket = openSocket(2000)) {
			socket.setSoTimeout(Math.toIntExact(timeout.toMillis()));
			socket.getOutputStream().write(encode(args));
			socket.getOutputStream().flush();
			return readLine(socket.getInputStream());
		}
	}

	private Socket openSocket(int connectTimeoutMillis) throws IOException {
		Socket socket = (this.sslContext != null) ? this.sslContext.getSocketFactory().createSocket() : new Socket();
		try {
			socket.connect(new InetSocketAddress(HOST, this.port), connectTimeoutMillis);
			return socket;
		}
		catch (IOException ex) {
			socket.close();
			throw ex;
		}
	}

	private SslOptions sslOptions() {
		return SslOptions.builder().jdkSslProvider().trustManager(tls().caCertificate().toFile()).build();
	}

	private synchronized StatefulRedisConnection<String, String> connection() {
		ensureOpen();
		if (this.connection == null || !this.connection.isOpen()) {
			if (this.client == null) {
				this.client = RedisClient.create();
				// RESP2 keeps replies as lists on Redis 6 and 7 alike; no reconnect because kill() must stay a kill.
				ClientOptions.Builder options = ClientOptions.builder()
					.protocolVersion(ProtocolVersion.RESP2)
					.autoReconnect(false);
				if (this.tls != null) {
					options.sslOptions(sslOptions());
				}
				this.client.setOptions(options.build());
			}
			this.connection = this.client.connect(StringCodec.UTF8, RedisURI.builder()
				.withHost(HOST)
				.withPort(this.port)
				.withSsl(this.tls != null)
				.withTimeout(COMMAND_TIMEOUT)
				.build());
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

	/**
	 * Writes the users to an ACL file with their passwords as SHA-256 hashes, so that no password is on the command
	 * line (visible in {@code ps}) or on disk, and the users survive {@link #restart()}.
	 */
	private static Path writeAclFile(Path dataDir, List<User> users) {
		List<String> lines = new ArrayList<>();
		lines.add("user default on nopass ~* &* +@all");
		for (User user : users) {
			lines.add("user " + user.name() + " on #" + sha256(user.password()) + " " + String.join(" ", user.rules()));
		}
		Path file = dataDir.resolve("users.acl");
		try {
			Files.write(file, lines, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot write " + file, ex);
		}
		return file;
	}

	private static String sha256(String password) {
		try {
			return HexFormat.of()
				.formatHex(MessageDigest.getInstance("SHA-256").digest(password.getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** The command line with secrets masked: option values such as a {@code --requirepass}, ACL {@code >password}s. */
	static List<String> redacted(List<String> commandLine) {
		List<String> shown = new ArrayList<>(commandLine.size());
		boolean secretNext = false;
		for (String arg : commandLine) {
			boolean secret = secretNext || arg.startsWith(">") || arg.startsWith("<");
			shown.add(secret ? "******" : arg);
			secretNext = SECRET_OPTIONS.contains(arg.toLowerCase(Locale.ROOT));
		}
		return shown;
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

	/**
	 * What a server started by {@link RedisServer#builder()} speaks and whom it knows. Not thread-safe; each
	 * {@link #start()} starts a new server from the builder's state at that moment.
	 */
	public static final class Builder {

		private boolean tls;

		private final List<User> users = new ArrayList<>();

		private final List<String> args = new ArrayList<>();

		private Builder() {
		}

		/**
		 * Serve TLS only, on {@link RedisServer#port()}, with a certificate for {@code 127.0.0.1} and
		 * {@code localhost} signed by a CA made for this server ({@link RedisServer#tls()}); clients need no
		 * certificate of their own ({@code tls-auth-clients no}).
		 * @return this builder
		 */
		public Builder tls() {
			this.tls = true;
			return this;
		}

		/**
		 * Adds an ACL user besides {@code default}, which keeps every right and no password.
		 * @param name the user name
		 * @param password its password; stored only as a SHA-256 hash in the server's ACL file
		 * @param rules ACL rules after {@code on} and the password, such as {@code "~orders-*", "+@stream"}
		 * @return this builder
		 */
		public Builder user(String name, String password, String... rules) {
			this.users.add(new User(name, password, List.of(rules)));
			return this;
		}

		/**
		 * Adds redis command line options; they come after the defaults and therefore override them.
		 * @param extraArgs options such as {@code "--notify-keyspace-events", "Ex"}
		 * @return this builder
		 */
		public Builder args(String... extraArgs) {
			this.args.addAll(Arrays.asList(extraArgs));
			return this;
		}

		/**
		 * Starts the server on a free port and returns once it answers {@code PING}.
		 * @return the running server
		 * @throws IllegalStateException if it does not come up, for example because the binary has no TLS
		 */
		public RedisServer start() {
			Builder snapshot = new Builder();
			snapshot.tls = this.tls;
			snapshot.users.addAll(this.users);
			String[] extraArgs = this.args.toArray(String[]::new);
			return RedisServer.start(RedisServer::freePort, (port) -> extraArgs, snapshot);
		}

	}

	private record User(String name, String password, List<String> rules) {

		@Override
		public String toString() {
			return "User[" + this.name + "]";
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
