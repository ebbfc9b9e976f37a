package io.github.redisstreamclient.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import io.github.redisstreamclient.core.internal.LbsMessages;
import io.github.redisstreamclient.test.RedisServer;
import io.lettuce.core.LettuceFutures;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;

/** Helpers shared by the benchmarks. */
final class Bench {

	private Bench() {
	}

	static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted", ex);
		}
	}

	/** Polls every {@code pollMillis} until the condition holds; fails with {@code what} after the timeout. */
	static void await(String what, Duration timeout, long pollMillis, BooleanSupplier condition) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("Timed out after " + timeout.toSeconds() + " s waiting for " + what);
			}
			sleep(pollMillis);
		}
	}

	/** A raw Lettuce client on the benchmark's Redis: the baselines and the fast fillers use it. */
	static RedisClient rawClient(RedisServer redis) {
		RedisClient client = RedisClient.create(RedisURI.builder()
			.withHost(redis.host())
			.withPort(redis.port())
			.withTimeout(Duration.ofSeconds(30))
			.build());
		return client;
	}

	static void shutdown(RedisClient client) {
		client.shutdown(0, 2, TimeUnit.SECONDS);
	}

	/**
	 * Adds {@code count} entries to a service's Load Balancer Stream in the Go client's format, pipelined 1000 at a
	 * time; returns the entry ids.
	 */
	static List<String> fillLbs(RedisClient client, String service, String namePrefix, int count) {
		List<String> ids = new ArrayList<>(count);
		try (StatefulRedisConnection<String, String> connection = client.connect()) {
			RedisAsyncCommands<String, String> async = connection.async();
			connection.setAutoFlushCommands(false);
			for (int from = 0; from < count; from += 1000) {
				List<RedisFuture<String>> batch = new ArrayList<>();
				for (int i = from; i < Math.min(count, from + 1000); i++) {
					batch.add(async.xadd(service + "-input",
							Map.of(LbsMessages.FIELD, LbsMessages.format(namePrefix + i, Map.of("n", i)))));
				}
				connection.flushCommands();
				LettuceFutures.awaitAll(Duration.ofSeconds(60), batch.toArray(new RedisFuture[0]));
				for (RedisFuture<String> f : batch) {
					ids.add(f.toCompletableFuture().join());
				}
			}
		}
		return ids;
	}

	/**
	 * Creates the service's group at {@code 0} and then a backlog of {@code count} LBS entries, so that every entry
	 * is new to the group ({@code >}).
	 */
	static void backlog(RedisServer redis, String service, int count) {
		redis.command("XGROUP", "CREATE", service + "-input", service + "-group", "0", "MKSTREAM");
		RedisClient client = rawClient(redis);
		try {
			fillLbs(client, service, "data-", count);
		}
		finally {
			shutdown(client);
		}
	}

	/** Resets Redis between scenarios: no keys, fresh command statistics. */
	static void reset(RedisServer redis) {
		redis.command("FLUSHALL");
		redis.command("CONFIG", "RESETSTAT");
	}

	static String fmt(double value, int decimals) {
		return String.format(Locale.ROOT, "%,." + decimals + "f", value);
	}

	static String fmt(long value) {
		return String.format(Locale.ROOT, "%,d", value);
	}

	static void log(String format, Object... args) {
		System.out.printf(Locale.ROOT, "[%tT] " + format + "%n", prepend(System.currentTimeMillis(), args));
		System.out.flush();
	}

	private static Object[] prepend(Object first, Object[] rest) {
		Object[] all = new Object[rest.length + 1];
		all[0] = first;
		System.arraycopy(rest, 0, all, 1, rest.length);
		return all;
	}

	/**
	 * The ratios of paired runs, {@code ours[i] / theirs[i]}: run i of each contender ran back to back, so a slow
	 * spell of the shared machine hits both sides of a pair rather than one contender's median.
	 */
	static double[] pairedRatios(double[] ours, double[] theirs) {
		double[] ratios = new double[Math.min(ours.length, theirs.length)];
		for (int i = 0; i < ratios.length; i++) {
			ratios[i] = ours[i] / theirs[i];
		}
		return ratios;
	}

	static double median(double[] values) {
		double[] sorted = values.clone();
		java.util.Arrays.sort(sorted);
		return sorted[sorted.length / 2];
	}

	/** "0.89 (pairs: 1.02, 0.47, 0.89)". */
	static String pairedRatioText(double[] ratios) {
		StringBuilder text = new StringBuilder(fmt(median(ratios), 2)).append(" (pairs: ");
		for (int i = 0; i < ratios.length; i++) {
			text.append((i > 0) ? ", " : "").append(fmt(ratios[i], 2));
		}
		return text.append(')').toString();
	}

	/** Percentile (nearest rank) of sorted values. */
	static double percentile(double[] sorted, double p) {
		if (sorted.length == 0) {
			return Double.NaN;
		}
		int rank = (int) Math.ceil(p / 100.0 * sorted.length);
		return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
	}

}
