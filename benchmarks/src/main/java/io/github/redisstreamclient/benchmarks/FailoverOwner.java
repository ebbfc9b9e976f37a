package io.github.redisstreamclient.benchmarks;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import io.github.redisstreamclient.core.KeyspaceNotifications;
import io.github.redisstreamclient.core.RecoverableStreamClient;
import io.github.redisstreamclient.core.StreamNotification;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * The owner that the failover benchmarks kill with SIGKILL or close: a consumer in a JVM of its own that takes
 * streams from the LBS. Arguments: port service consumerId leaseTtlMillis [maxOwnedStreams].
 * <p>
 * It prints {@code READY <id>}, then {@code HELD <n>} whenever the number of {@code STREAM_ADDED} notifications
 * changed (at most every 50 ms: an owner of 100,000 streams does not print a line per stream), and, when its standard
 * input closes, closes the client gracefully and prints {@code CLOSED <ms>} with the time {@code close()} took.
 */
public final class FailoverOwner {

	private FailoverOwner() {
	}

	public static void main(String[] args) throws Exception {
		int port = Integer.parseInt(args[0]);
		Duration ttl = Duration.ofMillis(Long.parseLong(args[3]));
		int maxOwned = (args.length > 4) ? Integer.parseInt(args[4])
				: RecoverableStreamClient.Builder.DEFAULT_MAX_OWNED_STREAMS;
		LettuceConnectionFactory connectionFactory = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration("127.0.0.1", port),
				LettuceClientConfiguration.builder().commandTimeout(Duration.ofSeconds(5)).build());
		connectionFactory.afterPropertiesSet();
		connectionFactory.start();
		AtomicLong added = new AtomicLong();
		RecoverableStreamClient client = RecoverableStreamClient.builder(connectionFactory, args[1])
			.consumerId(args[2])
			.leaseTtl(ttl)
			.lbsIdleTime(ttl.multipliedBy(3))
			.maxOwnedStreams(maxOwned)
			.keyspaceNotifications(KeyspaceNotifications.OFF)
			.listener((n) -> {
				if (n.type() == StreamNotification.Type.STREAM_ADDED) {
					added.incrementAndGet();
				}
			})
			.build();
		client.start();
		print("READY " + client.id());
		Thread reporter = new Thread(() -> {
			long reported = -1;
			while (!Thread.currentThread().isInterrupted()) {
				long now = added.get();
				if (now != reported) {
					print("HELD " + now);
					reported = now;
				}
				try {
					Thread.sleep(50);
				}
				catch (InterruptedException ex) {
					return;
				}
			}
		}, "owner-reporter");
		reporter.setDaemon(true);
		reporter.start();
		// Lives until it is killed; stdin closing (the harness asks for a graceful close, or died) closes it.
		while (System.in.read() != -1) {
			// nothing to do
		}
		long start = System.nanoTime();
		client.close();
		print("CLOSED " + (System.nanoTime() - start) / 1_000_000);
		connectionFactory.destroy();
	}

	private static synchronized void print(String line) {
		System.out.println(line);
		System.out.flush();
	}

}
