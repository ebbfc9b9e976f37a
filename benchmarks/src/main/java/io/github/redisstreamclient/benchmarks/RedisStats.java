package io.github.redisstreamclient.benchmarks;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import io.github.redisstreamclient.test.RedisServer;

/**
 * One reading of the Redis side: {@code INFO commandstats}, {@code INFO cpu} and {@code INFO stats}. Subtracting two
 * readings gives what Redis did in between.
 */
record RedisStats(long atNanos, Map<String, Long> calls, Map<String, Long> usec, double cpuSeconds, long expiredKeys) {

	/** Commands the harness itself sends; never counted. */
	static final Set<String> HARNESS = Set.of("info", "config|resetstat", "config|set", "config|get", "dbsize", "scan",
			"flushall", "xinfo|groups", "xpending", "client|list", "memory|usage");

	/**
	 * Commands that, in these scenarios, only run inside the contenders' Lua scripts (our session, assign, claim,
	 * census and sweep-turn scripts, RedisLockRegistry's and Redisson's lock scripts). commandstats counts them as
	 * well as the EVALSHA that ran them; round trips leave them out, "commands executed" keeps them.
	 */
	static final Set<String> INSIDE_SCRIPTS = Set.of("get", "pexpire", "set", "exists", "hexists", "incr", "incrby",
			"pttl", "hincrby", "hset", "hget", "xclaim", "del", "hdel", "time", "xlen", "xinfo|consumers",
			"xgroup|delconsumer");

	static RedisStats read(RedisServer redis) {
		long at = System.nanoTime();
		Map<String, Long> calls = new HashMap<>();
		Map<String, Long> usec = new HashMap<>();
		for (String line : ((String) redis.command("INFO", "commandstats")).split("\r?\n")) {
			if (!line.startsWith("cmdstat_")) {
				continue;
			}
			String name = line.substring("cmdstat_".length(), line.indexOf(':'));
			for (String field : line.substring(line.indexOf(':') + 1).split(",")) {
				String[] kv = field.split("=");
				if (kv[0].equals("calls")) {
					calls.put(name, Long.parseLong(kv[1]));
				}
				else if (kv[0].equals("usec")) {
					usec.put(name, Long.parseLong(kv[1]));
				}
			}
		}
		Map<String, String> cpu = fields((String) redis.command("INFO", "cpu"));
		double cpuSeconds = Double.parseDouble(cpu.get("used_cpu_sys")) + Double.parseDouble(cpu.get("used_cpu_user"));
		long expired = Long.parseLong(fields((String) redis.command("INFO", "stats")).get("expired_keys"));
		return new RedisStats(at, calls, usec, cpuSeconds, expired);
	}

	/** {@code used_memory} of {@code INFO memory}: bytes Redis allocated for data and clients. */
	static long usedMemory(RedisServer redis) {
		return Long.parseLong(fields((String) redis.command("INFO", "memory")).get("used_memory"));
	}

	static Map<String, String> fields(String info) {
		Map<String, String> fields = new HashMap<>();
		for (String line : info.split("\r?\n")) {
			int colon = line.indexOf(':');
			if (colon > 0 && !line.startsWith("#")) {
				fields.put(line.substring(0, colon), line.substring(colon + 1).trim());
			}
		}
		return fields;
	}

	/** What Redis did between {@code before} and this reading. */
	Delta since(RedisStats before) {
		Map<String, Long> calls = new HashMap<>();
		Map<String, Long> usec = new HashMap<>();
		this.calls.forEach((name, count) -> {
			long delta = count - before.calls.getOrDefault(name, 0L);
			if (delta > 0 && !HARNESS.contains(name)) {
				calls.put(name, delta);
				usec.put(name, this.usec.getOrDefault(name, 0L) - before.usec.getOrDefault(name, 0L));
			}
		});
		return new Delta((this.atNanos - before.atNanos) / 1e9, calls, usec, this.cpuSeconds - before.cpuSeconds,
				this.expiredKeys - before.expiredKeys);
	}

	/** {@code usec}: microseconds Redis spent in each command (commandstats), scripts' inner commands included. */
	record Delta(double seconds, Map<String, Long> calls, Map<String, Long> usec, double cpuSeconds,
			long expiredKeys) {

		/** Mean microseconds per call of {@code command}; NaN when it was not called. */
		double usecPerCall(String command) {
			long n = calls(command);
			return (n == 0) ? Double.NaN : (double) this.usec.getOrDefault(command, 0L) / n;
		}

		/** Commands sent by clients (EVALSHA counts once, whatever its script runs). */
		long roundTrips() {
			return this.calls.entrySet()
				.stream()
				.filter((e) -> !INSIDE_SCRIPTS.contains(e.getKey()))
				.mapToLong(Map.Entry::getValue)
				.sum();
		}

		/** Every command Redis executed, including those run by scripts. */
		long commandsExecuted() {
			return this.calls.values().stream().mapToLong(Long::longValue).sum();
		}

		long calls(String command) {
			return this.calls.getOrDefault(command, 0L);
		}

		double roundTripsPerSecond() {
			return roundTrips() / this.seconds;
		}

		double commandsPerSecond() {
			return commandsExecuted() / this.seconds;
		}

		/** Redis CPU (user + sys) as a percentage of one core. */
		double cpuPercent() {
			return 100 * this.cpuSeconds / this.seconds;
		}

		String topCommands(int n) {
			StringBuilder text = new StringBuilder();
			this.calls.entrySet()
				.stream()
				.sorted(Map.Entry.<String, Long>comparingByValue().reversed())
				.limit(n)
				.forEach((e) -> text.append(text.length() > 0 ? ", " : "").append(e.getKey().toUpperCase())
					.append(' ')
					.append(e.getValue()));
			return text.toString();
		}

	}

}
