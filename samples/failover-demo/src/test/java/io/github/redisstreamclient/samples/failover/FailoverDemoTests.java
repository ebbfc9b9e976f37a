package io.github.redisstreamclient.samples.failover;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The plain Java demo, run as part of the suite: its own tally (nothing lost, nothing owned twice,
 * computed from the consumers' events) must come out clean.
 */
class FailoverDemoTests {

	@Test
	void demoEndsWithNothingLostAndNothingOwnedTwice() throws Exception {
		assertThat(new FailoverDemo(DemoConsumer.launcher()).run()).isZero();
	}

}
