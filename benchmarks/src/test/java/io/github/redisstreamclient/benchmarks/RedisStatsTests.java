package io.github.redisstreamclient.benchmarks;

import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The arithmetic behind the tables; the benchmarks themselves only run with exec:exec, never as tests. */
class RedisStatsTests {

	@Test
	void roundTripsLeaveOutCommandsRunInsideScriptsAndTheHarnessOwn() {
		RedisStats before = new RedisStats(0, Map.of("evalsha", 10L, "get", 1000L, "info", 3L), Map.of(), 1.0, 5);
		RedisStats after = new RedisStats(2_000_000_000L,
				Map.of("evalsha", 12L, "get", 3000L, "pexpire", 2000L, "xreadgroup", 2L, "info", 9L), Map.of(), 1.5, 5);

		RedisStats.Delta delta = after.since(before);

		assertThat(delta.roundTrips()).isEqualTo(4);
		assertThat(delta.commandsExecuted()).isEqualTo(4004);
		assertThat(delta.roundTripsPerSecond()).isEqualTo(2.0);
		assertThat(delta.cpuPercent()).isEqualTo(25.0);
		assertThat(delta.expiredKeys()).isZero();
		assertThat(delta.topCommands(2)).isEqualTo("GET 2000, PEXPIRE 2000");
	}

	@Test
	void redisTimePerCallIsTheUsecDeltaOverTheCallsDelta() {
		RedisStats before = new RedisStats(0, Map.of("xinfo|consumers", 2L), Map.of("xinfo|consumers", 40L), 0, 0);
		RedisStats after = new RedisStats(1_000_000_000L, Map.of("xinfo|consumers", 6L, "evalsha", 3L),
				Map.of("xinfo|consumers", 140L, "evalsha", 9L), 0, 0);

		RedisStats.Delta delta = after.since(before);

		assertThat(delta.usecPerCall("xinfo|consumers")).isEqualTo(25.0);
		assertThat(delta.usecPerCall("xreadgroup")).isNaN();
		assertThat(delta.roundTrips()).isEqualTo(3);
	}

	@Test
	void percentileIsNearestRank() {
		double[] sorted = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };

		assertThat(Bench.percentile(sorted, 50)).isEqualTo(5);
		assertThat(Bench.percentile(sorted, 99)).isEqualTo(10);
		assertThat(Bench.percentile(sorted, 100)).isEqualTo(10);
	}

	@Test
	void tablesAreMarkdown() {
		String table = new Section.Table("a", "b").row(1, "x").toString();

		assertThat(table).isEqualTo("| a | b |\n| --- | --- |\n| 1 | x |\n");
	}

}
