package io.github.redisstreamclient.samples.failover;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;

import io.github.redisstreamclient.core.OwnedStream;
import io.github.redisstreamclient.core.RecoverableStreamClient;
import io.github.redisstreamclient.core.StreamNotOwnedException;
import io.github.redisstreamclient.core.StreamNotification;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * One consumer of the {@link FailoverDemo}, in a JVM of its own so that the demo can kill it the hard way, as a crash
 * or an OOM kill would. It "processes" each stream it owns for 1.5 to 3 seconds, then marks it done.
 * <p>
 * It reports to the demo with one line per event on stdout ({@code READY <id>},
 * {@code ADDED <stream> <token> <claimed> <user>}, {@code DONE}, {@code DISOWNED} or {@code HANDOFF <stream>},
 * {@code CLOSED}) and shuts down gracefully on {@code SIGTERM}, or when the demo's JVM ends.
 * <p>
 * Arguments: {@code redisHost redisPort serviceName consumerName}
 */
public final class DemoConsumer {

	private final ExecutorService workers = Executors.newCachedThreadPool();

	private final Map<String, Future<?>> processing = new ConcurrentHashMap<>();

	private final RecoverableStreamClient client;

	private DemoConsumer(LettuceConnectionFactory redis, String service, String name) {
		this.client = RecoverableStreamClient.builder(redis, service)
			.consumerId(name)
			// A short TTL of the consumer's session makes failover quick enough to watch: a dead consumer's streams
			// move after about 1 s. The idle time must exceed twice the TTL; after it, the names of dead consumers
			// leave the group.
			.leaseTtl(Duration.ofSeconds(1))
			.lbsIdleTime(Duration.ofSeconds(3))
			// The sweep backs up keyspace notifications, for a Redis that refuses CONFIG SET.
			.sweepInterval(Duration.ofSeconds(1))
			.autoClaim(true)
			.listener(this::onNotification)
			.build();
	}

	public static void main(String[] args) throws Exception {
		LettuceConnectionFactory redis = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration(args[0], Integer.parseInt(args[1])));
		redis.afterPropertiesSet();
		redis.start();
		DemoConsumer consumer = new DemoConsumer(redis, args[2], args[3]);
		Runtime.getRuntime().addShutdownHook(new Thread(() -> { // SIGTERM, or the exit below
			consumer.close();
			redis.destroy();
		}));
		consumer.client.start();
		report("READY " + consumer.client.id());
		// Should the demo die first, this consumer does not outlive it.
		ProcessHandle.current().parent().map(ProcessHandle::onExit).orElseGet(CompletableFuture::new).join();
		System.exit(0);
	}

	/** Starts each consumer of the {@link FailoverDemo} as a {@code DemoConsumer} in a JVM of its own. */
	static ConsumerLauncher launcher() {
		return new ConsumerLauncher() {

			@Override
			public String describe(int count) {
				return count + " consumers";
			}

			@Override
			public List<String> command(String name, String redisHost, String redisPort, String service) {
				return ConsumerLauncher.javaCommand("128m", DemoConsumer.class, redisHost, redisPort, service, name);
			}

		};
	}

	// Runs on the client's notification thread, so the work itself goes to an executor of our own.
	private void onNotification(StreamNotification n) {
		switch (n.type()) {
			case STREAM_ADDED -> {
				report("ADDED " + n.streamName() + " " + n.fencingToken() + " " + n.claimed() + " "
						+ n.info().getOrDefault("user", "-"));
				this.processing.put(n.streamName(), this.workers.submit(() -> process(n.streamName())));
			}
			case STREAM_DISOWNED -> {
				// Another consumer took the stream over: stop working on it at once.
				Future<?> work = this.processing.remove(n.streamName());
				if (work != null) {
					work.cancel(true);
				}
				report("DISOWNED " + n.streamName());
			}
			default -> {
				// STREAM_EXPIRED comes only without autoClaim; STREAM_TERMINATED when closing.
			}
		}
	}

	private void process(String stream) {
		try {
			Thread.sleep(ThreadLocalRandom.current().nextLong(1500, 3000)); // stands in for real work
			this.client.done(stream);
			report("DONE " + stream);
		}
		catch (InterruptedException ex) {
			// Disowned or closing: the stream is someone else's now.
		}
		catch (StreamNotOwnedException ex) {
			report("NOTDONE " + stream + " " + ex.getMessage());
		}
	}

	private void close() {
		this.workers.shutdownNow();
		// close() hands these to the other consumers, which claim them at once instead of after the lease TTL.
		for (OwnedStream stream : this.client.ownedStreams()) {
			report("HANDOFF " + stream.name());
		}
		this.client.close();
		report("CLOSED");
	}

	private static synchronized void report(String line) {
		System.out.println(line);
		System.out.flush();
	}

}
