package io.github.redisstreamclient.chaos;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;

import io.github.redisstreamclient.chaos.HistoryEvent.Kind;
import io.github.redisstreamclient.core.OwnedStream;
import io.github.redisstreamclient.core.RecoverableStreamClient;
import io.github.redisstreamclient.core.StreamEntry;
import io.github.redisstreamclient.core.StreamNotOwnedException;
import io.github.redisstreamclient.core.StreamNotification;

import org.springframework.data.domain.Range;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * One consumer of a chaos run, in a JVM of its own so that the injector can kill it with {@code SIGKILL} and freeze
 * it with {@code SIGSTOP}. It processes every stream it owns the way the README tells users to: read after the
 * checkpoint with the {@link OwnedStream} reader, process, {@code commit}, and {@code done()} once the producer's
 * final entry is committed; stop when the hold's {@code cancellation()} fires.
 * <p>
 * Each event goes to stdout as a {@link HistoryEvent} line with this JVM's clock; the run collects them. It closes
 * gracefully on {@code close} on stdin, or when stdin ends because the run died.
 * <p>
 * Arguments: {@code <redis address> <service> <consumer id> <incarnation> <lease ttl ms> <sweep interval ms>}, where
 * the address is {@code host:port} or {@code cluster:host:port,host:port,...}.
 */
public final class ChaosConsumer {

	private static final PrintStream out = System.out;

	private static final Duration POLL = Duration.ofMillis(100);

	private static final Duration RETRY = Duration.ofMillis(200);

	private final String incarnation;

	private final RecoverableStreamClient.Builder builder;

	private RecoverableStreamClient client;

	private final StringRedisTemplate redis;

	private final ExecutorService workers = Executors.newCachedThreadPool((task) -> {
		Thread thread = new Thread(task);
		thread.setDaemon(true);
		return thread;
	});

	private ChaosConsumer(LettuceConnectionFactory connections, String service, String consumerId, String incarnation,
			Duration leaseTtl, Duration sweepInterval) {
		this.incarnation = incarnation;
		this.redis = new StringRedisTemplate(connections);
		this.builder = RecoverableStreamClient.builder(connections, service)
			.consumerId(consumerId)
			.leaseTtl(leaseTtl)
			.lbsIdleTime(leaseTtl.multipliedBy(3))
			.lbsBlockTime(Duration.ofMillis(500))
			.sweepInterval(sweepInterval)
			.autoClaim(true)
			.listener(this::onNotification);
		this.client = this.builder.build();
	}

	public static void main(String[] args) throws Exception {
		String incarnation = args[3];
		report(incarnation, Kind.STARTED, "-", 0, "-", args[2]);
		LettuceConnectionFactory connections = Connections.factory(args[0]);
		ChaosConsumer consumer = new ChaosConsumer(connections, args[1], args[2], incarnation,
				Duration.ofMillis(Long.parseLong(args[4])), Duration.ofMillis(Long.parseLong(args[5])));
		consumer.start();
		// Waits for "close", or for the end of stdin: the run died, and this consumer must not outlive it.
		new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).lines()
			.anyMatch((line) -> line.trim().equals("close"));
		consumer.close();
		connections.destroy();
		System.exit(0);
	}

	private void start() {
		// A start can fail while Redis is down or paused; the run counts on this JVM coming up anyway.
		while (true) {
			try {
				this.client.start();
				break;
			}
			catch (RuntimeException ex) {
				// A failed start closes the client; a new one tries again.
				System.err.println(this.incarnation + ": start failed, retrying: " + ex);
				sleep(RETRY);
				this.client = this.builder.build();
			}
		}
		report(this.incarnation, Kind.READY, "-", 0, "-", this.client.id());
	}

	private void close() {
		for (OwnedStream stream : this.client.ownedStreams()) {
			report(this.incarnation, Kind.HANDED_OFF, stream.name(), stream.fencingToken(), stream.ref().lbsEntryId(),
					"-");
		}
		this.client.close();
		this.workers.shutdownNow();
		report(this.incarnation, Kind.CLOSED, "-", 0, "-", "-");
	}

	// On the client's notification thread: the work itself goes to a thread per stream.
	private void onNotification(StreamNotification n) {
		switch (n.type()) {
			case STREAM_ADDED -> {
				report(this.incarnation, Kind.ACQUIRED, n.streamName(), n.fencingToken(), n.stream().lbsEntryId(),
						n.claimed() ? "claimed" : "new");
				Optional<OwnedStream> held = this.client.ownedStream(n.stream());
				held.ifPresent((stream) -> this.workers.submit(() -> work(stream)));
				if (held.isEmpty()) {
					// Lost before its notification was delivered: the DISOWNED notification follows.
					report(this.incarnation, Kind.CANCELLED, n.streamName(), n.fencingToken(), "-", "gone at once");
				}
			}
			case STREAM_DISOWNED -> report(this.incarnation, Kind.DISOWNED, n.streamName(), n.fencingToken(), "-",
					String.valueOf(n.reason()));
			case STREAM_TERMINATED -> report(this.incarnation, Kind.TERMINATED, "-", 0, "-", String.valueOf(n.reason()));
			default -> {
				// STREAM_EXPIRED only comes without auto-claim.
			}
		}
	}

	/** Processes one held stream until it is done or the hold is cancelled. */
	private void work(OwnedStream stream) {
		String name = stream.name();
		long token = stream.fencingToken();
		try {
			while (!stream.cancellation().isDone()) {
				List<StreamEntry> entries;
				try {
					entries = stream.read(10, Duration.ZERO);
				}
				catch (RuntimeException ex) {
					sleep(RETRY);
					continue;
				}
				if (entries.isEmpty()) {
					if (checkpointAtEnd(stream)) {
						finish(stream);
						return;
					}
					sleep(POLL);
					continue;
				}
				boolean last = false;
				for (StreamEntry entry : entries) {
					sleep(Duration.ofMillis(ThreadLocalRandom.current().nextInt(1, 5))); // stands in for real work
					report(this.incarnation, Kind.PROCESSED, name, token, entry.id(), "-");
					last |= "true".equals(entry.fields().get(Producer.LAST_FIELD));
				}
				if (!commit(stream, entries.get(entries.size() - 1).id())) {
					return;
				}
				if (last) {
					finish(stream);
					return;
				}
			}
		}
		finally {
			if (stream.cancellation().isDone()) {
				report(this.incarnation, Kind.CANCELLED, name, token, "-", "-");
			}
		}
	}

	/** Moves the checkpoint; retries while the outcome is unknown. False when the stream is no longer ours. */
	private boolean commit(OwnedStream stream, String entryId) {
		while (!stream.cancellation().isDone()) {
			report(this.incarnation, Kind.COMMIT_SENT, stream.name(), stream.fencingToken(), entryId, "-");
			try {
				stream.commit(entryId);
				report(this.incarnation, Kind.COMMIT_OK, stream.name(), stream.fencingToken(), entryId, "-");
				return true;
			}
			catch (StreamNotOwnedException ex) {
				report(this.incarnation, Kind.COMMIT_REJECTED, stream.name(), stream.fencingToken(), entryId, "-");
				return false;
			}
			catch (RuntimeException ex) {
				report(this.incarnation, Kind.COMMIT_FAILED, stream.name(), stream.fencingToken(), entryId,
						ex.toString());
				sleep(RETRY);
			}
		}
		return false;
	}

	/** Finishes the stream; retries while the outcome is unknown. */
	private void finish(OwnedStream stream) {
		while (!stream.cancellation().isDone()) {
			report(this.incarnation, Kind.DONE_SENT, stream.name(), stream.fencingToken(), "-", "-");
			try {
				stream.done();
				report(this.incarnation, Kind.DONE_OK, stream.name(), stream.fencingToken(), "-", "-");
				return;
			}
			catch (StreamNotOwnedException ex) {
				report(this.incarnation, Kind.DONE_REJECTED, stream.name(), stream.fencingToken(), "-", ex.getMessage());
				return;
			}
			catch (RuntimeException ex) {
				report(this.incarnation, Kind.DONE_FAILED, stream.name(), stream.fencingToken(), "-", ex.toString());
				sleep(RETRY);
			}
		}
	}

	/**
	 * Whether the checkpoint already is the producer's final entry: a consumer that committed it and was then
	 * disowned before {@code done()} leaves nothing to read for the next owner.
	 */
	private boolean checkpointAtEnd(OwnedStream stream) {
		try {
			Optional<String> checkpoint = stream.checkpoint();
			if (checkpoint.isEmpty()) {
				return false;
			}
			var entries = this.redis.opsForStream().range(stream.name(), Range.closed(checkpoint.get(), checkpoint.get()));
			boolean atEnd = entries != null && !entries.isEmpty()
					&& "true".equals(entries.get(0).getValue().get(Producer.LAST_FIELD));
			if (atEnd) {
				report(this.incarnation, Kind.CHECKPOINT_AT_END, stream.name(), stream.fencingToken(), checkpoint.get(),
						"-");
			}
			return atEnd;
		}
		catch (RuntimeException ex) {
			return false;
		}
	}

	private static void report(String actor, Kind kind, String stream, long token, String id, String detail) {
		String line = HistoryEvent.of(actor, kind, stream, token, id, detail.isEmpty() ? "-" : detail).format();
		synchronized (out) {
			out.println(line);
			out.flush();
		}
	}

	private static void sleep(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
