package io.github.redisstreamclient.test;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;

import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

@RedisTest
class FaultProxyIntegrationTests {

	private static final Duration SHORT_TIMEOUT = Duration.ofMillis(300);

	private static final Duration LONG_TIMEOUT = Duration.ofSeconds(10);

	private final List<AutoCloseable> cleanup = new ArrayList<>();

	@AfterEach
	void closeClientsAndProxies() throws Exception {
		for (int i = this.cleanup.size() - 1; i >= 0; i--) {
			this.cleanup.get(i).close();
		}
	}

	@Test
	void forwardsCommandsBothWays(RedisServer redis) {
		FaultProxy proxy = proxyTo(redis);
		RedisCommands<String, String> commands = connect(proxy, LONG_TIMEOUT, new ConnectionEvents()).sync();

		commands.set("through-proxy", "from client");
		redis.command("SET", "direct", "from redis");

		assertThat(redis.command("GET", "through-proxy")).isEqualTo("from client");
		assertThat(commands.get("direct")).isEqualTo("from redis");
		assertThat(proxy.connections()).isEqualTo(1);
		assertThat(proxy.isBlackholed()).isFalse();
		assertThat(proxy.host()).isEqualTo("127.0.0.1");
		assertThat(proxy.port()).isNotIn(redis.port(), 6379);
	}

	@Test
	void blackholeTimesCommandsOutOnAnOpenConnectionAndHealDeliversWhatWasHeld(RedisServer redis) {
		FaultProxy proxy = proxyTo(redis);
		ConnectionEvents events = new ConnectionEvents();
		// Connected and warmed up with the long timeout: only the commands sent into the blackhole get the short one.
		StatefulRedisConnection<String, String> connection = connect(proxy, LONG_TIMEOUT, events);
		RedisCommands<String, String> commands = connection.sync();
		assertThat(commands.ping()).isEqualTo("PONG");
		connection.setTimeout(SHORT_TIMEOUT);

		proxy.blackhole();

		assertThat(proxy.isBlackholed()).isTrue();
		assertThatThrownBy(() -> commands.set("held", "sent during the black hole"))
			.isInstanceOf(RedisCommandTimeoutException.class);
		assertThat(redis.command("GET", "held")).as("forwarded during the black hole").isNull();
		assertThat(connection.isOpen()).isTrue();
		assertThat(proxy.connections()).isEqualTo(1);
		assertThat(events.disconnected).hasValue(0);

		proxy.heal();
		connection.setTimeout(LONG_TIMEOUT);

		assertThat(proxy.isBlackholed()).isFalse();
		await().atMost(LONG_TIMEOUT)
			.untilAsserted(() -> assertThat(redis.command("GET", "held")).isEqualTo("sent during the black hole"));
		assertThat(commands.ping()).isEqualTo("PONG");
		assertThat(events.disconnected).as("disconnects").hasValue(0);
		assertThat(events.connected).as("connects, the first included").hasValue(1);
	}

	@Test
	void connectionOpenedDuringBlackholeReachesRedisOnlyAfterHeal(RedisServer redis) throws IOException {
		FaultProxy proxy = proxyTo(redis);
		long connectionsBefore = connectionsReceived(redis);
		proxy.blackhole();

		try (Socket socket = new Socket(proxy.host(), proxy.port())) {
			socket.getOutputStream().write("*1\r\n$4\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII));
			socket.setSoTimeout((int) SHORT_TIMEOUT.toMillis());

			assertThatThrownBy(() -> readLine(socket.getInputStream())).isInstanceOf(SocketTimeoutException.class);
			assertThat(connectionsReceived(redis)).as("connections Redis received").isEqualTo(connectionsBefore);
			assertThat(proxy.connections()).isEqualTo(1);

			proxy.heal();
			socket.setSoTimeout((int) LONG_TIMEOUT.toMillis());

			assertThat(readLine(socket.getInputStream())).isEqualTo("+PONG");
			assertThat(connectionsReceived(redis)).isEqualTo(connectionsBefore + 1);
		}
	}

	@Test
	void latencyDelaysEachDirectionAndKeepsOrder(RedisServer redis) {
		FaultProxy proxy = proxyTo(redis);
		StatefulRedisConnection<String, String> connection = connect(proxy, LONG_TIMEOUT, new ConnectionEvents());
		assertThat(connection.sync().ping()).isEqualTo("PONG");

		proxy.latency(Duration.ofMillis(200));

		long start = System.nanoTime();
		assertThat(connection.sync().ping()).isEqualTo("PONG");
		assertThat(Duration.ofNanos(System.nanoTime() - start)).as("round trip, 200 ms each way")
			.isGreaterThanOrEqualTo(Duration.ofMillis(400));
		List<RedisFuture<Long>> increments = new ArrayList<>();
		for (int i = 0; i < 20; i++) {
			increments.add(connection.async().incr("counter"));
		}
		assertThat(increments.stream().map(future -> future.toCompletableFuture().join()).toList())
			.as("replies in the order the commands were sent")
			.containsExactlyElementsOf(LongStream.rangeClosed(1, 20).boxed().toList());

		proxy.latency(Duration.ZERO);
		assertThat(connection.sync().get("counter")).isEqualTo("20");
	}

	@Test
	void cutConnectionsDisconnectsClientsThatThenReconnect(RedisServer redis) {
		FaultProxy proxy = proxyTo(redis);
		ConnectionEvents events = new ConnectionEvents();
		RedisCommands<String, String> commands = connect(proxy, LONG_TIMEOUT, events).sync();
		assertThat(commands.ping()).isEqualTo("PONG");

		proxy.cutConnections();

		await().atMost(LONG_TIMEOUT).untilAsserted(() -> assertThat(events.disconnected).hasValueGreaterThan(0));
		await().atMost(LONG_TIMEOUT).untilAsserted(() -> assertThat(events.connected).hasValueGreaterThan(1));
		assertThat(commands.ping()).isEqualTo("PONG");
		assertThat(proxy.connections()).isEqualTo(1);
	}

	@Test
	void cutConnectionsResetsRatherThanCloses(RedisServer redis) throws IOException {
		FaultProxy proxy = proxyTo(redis);
		try (Socket socket = new Socket(proxy.host(), proxy.port())) {
			socket.setSoTimeout((int) LONG_TIMEOUT.toMillis());
			assertThat(ping(socket)).isEqualTo("+PONG");

			proxy.cutConnections();

			// A graceful close would read as end of stream (-1); a reset fails the read.
			assertThatThrownBy(() -> socket.getInputStream().read()).isInstanceOf(SocketException.class)
				.hasMessageContaining("reset");
			await().atMost(LONG_TIMEOUT).untilAsserted(() -> assertThat(proxy.connections()).isZero());
		}
		try (Socket again = new Socket(proxy.host(), proxy.port())) {
			again.setSoTimeout((int) LONG_TIMEOUT.toMillis());
			assertThat(ping(again)).as("a new connection after the cut").isEqualTo("+PONG");
		}
	}

	@Test
	void closeReleasesPortAndThreadsAndIsIdempotent(RedisServer redis) throws IOException {
		FaultProxy proxy = FaultProxy.start(redis.host(), redis.port());
		int port = proxy.port();
		try (Socket socket = new Socket(proxy.host(), port)) {
			socket.setSoTimeout((int) LONG_TIMEOUT.toMillis());
			assertThat(ping(socket)).isEqualTo("+PONG");
			assertThat(threadsOf(port)).as("acceptor and two pumps").hasSizeGreaterThanOrEqualTo(3);

			proxy.close();

			assertThat(threadsOf(port)).isEmpty();
			assertThat(proxy.connections()).isZero();
			assertThatThrownBy(() -> socket.getInputStream().read()).isInstanceOf(SocketException.class);
		}
		assertThatThrownBy(() -> new Socket(proxy.host(), port).close()).isInstanceOf(ConnectException.class);
		try (ServerSocket rebound = new ServerSocket(port, 1, InetAddress.getByName(proxy.host()))) {
			assertThat(rebound.getLocalPort()).isEqualTo(port);
		}
		proxy.close();
		assertThatThrownBy(proxy::blackhole).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
	}

	private FaultProxy proxyTo(RedisServer redis) {
		FaultProxy proxy = FaultProxy.start(redis.host(), redis.port());
		this.cleanup.add(proxy);
		return proxy;
	}

	private StatefulRedisConnection<String, String> connect(FaultProxy proxy, Duration timeout,
			ConnectionEvents events) {
		RedisClient client = RedisClient
			.create(RedisURI.builder().withHost(proxy.host()).withPort(proxy.port()).withTimeout(timeout).build());
		// Registered after the proxy so it shuts down first; no quiet period, the default one waits 2 s.
		this.cleanup.add(() -> client.shutdown(Duration.ZERO, Duration.ofSeconds(2)));
		client.addListener(events);
		return client.connect();
	}

	private static long connectionsReceived(RedisServer redis) {
		String stats = (String) redis.command("INFO", "stats");
		return stats.lines()
			.filter(line -> line.startsWith("total_connections_received:"))
			.mapToLong(line -> Long.parseLong(line.substring(line.indexOf(':') + 1).trim()))
			.findFirst()
			.orElseThrow();
	}

	private static String ping(Socket socket) throws IOException {
		socket.getOutputStream().write("*1\r\n$4\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII));
		return readLine(socket.getInputStream());
	}

	private static String readLine(InputStream in) throws IOException {
		StringBuilder line = new StringBuilder();
		int b;
		while ((b = in.read()) != -1 && b != '\n') {
			if (b != '\r') {
				line.append((char) b);
			}
		}
		return line.toString();
	}

	private static List<Thread> threadsOf(int port) {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter(thread -> thread.getName().startsWith("fault-proxy-" + port + "-"))
			.toList();
	}

	private static final class ConnectionEvents implements RedisConnectionStateListener {

		final AtomicInteger connected = new AtomicInteger();

		final AtomicInteger disconnected = new AtomicInteger();

		@Override
		public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress socketAddress) {
			this.connected.incrementAndGet();
		}

		@Override
		public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
			this.disconnected.incrementAndGet();
		}

	}

}
