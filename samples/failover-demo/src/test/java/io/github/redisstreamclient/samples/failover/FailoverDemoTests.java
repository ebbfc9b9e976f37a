package io.github.redisstreamclient.samples.failover;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's first command, run as part of the suite: the demo's own tally (nothing lost, nothing owned twice,
 * computed from the consumers' events) must come out clean.
 */
class FailoverDemoTests {

	@Test
	void demoEndsWithNothingLostAndNothingOwnedTwice() throws Exception {
		assertThat(new FailoverDemo().run()).isZero();
	}

}
