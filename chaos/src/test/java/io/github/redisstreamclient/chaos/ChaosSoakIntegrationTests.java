package io.github.redisstreamclient.chaos;

import java.util.Arrays;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The short soaks that {@code .ci/run} runs: random faults of every kind against consumer JVMs and Redis, then the
 * checker. A failure message starts with the seed; {@code -Dchaos.args="seed=<n>"} repeats the run's faults. The
 * long soak is {@code ChaosRun} itself (docs/RELIABILITY.md).
 */
class ChaosSoakIntegrationTests {

	@Test
	void standaloneRedisUnderEveryKindOfFault() throws Exception {
		ChaosRun.Options options = ChaosRun.Options.parse("duration=75s", System.getProperty("chaos.args", ""));
		ChaosReport report = ChaosRun.run(options);
		String context = "seed=" + options.seed() + "\n" + report.render();
		assertThat(report.passed()).as(context).isTrue();
		assertThat(report.faults().keySet()).as(context)
			.containsAll(Arrays.asList("KILL", "FREEZE", "CLOSE", "PARTITION", "LATENCY", "CONNECTION_CUT",
					"REDIS_RESTART", "PUBSUB_KILL", "CLIENT_PAUSE"));
	}

	@Test
	void redisClusterWithMasterFailover() throws Exception {
		ChaosRun.Options options = ChaosRun.Options.parse("duration=40s streams=100 cluster=true",
				System.getProperty("chaos.cluster.args", ""));
		ChaosReport report = ChaosRun.run(options);
		String context = "seed=" + options.seed() + "\n" + report.render();
		assertThat(report.passed()).as(context).isTrue();
		assertThat(report.faults().keySet()).as(context)
			.containsAll(Arrays.asList("KILL", "FREEZE", "CLOSE", "MASTER_FAILOVER", "PUBSUB_KILL", "CLIENT_PAUSE"));
	}

}
