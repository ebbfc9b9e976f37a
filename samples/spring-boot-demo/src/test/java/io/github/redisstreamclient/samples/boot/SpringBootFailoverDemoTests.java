package io.github.redisstreamclient.samples.boot;

import io.github.redisstreamclient.samples.failover.FailoverDemo;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's first command, run as part of the suite: three Spring Boot instances, one killed; the demo's tally
 * (nothing lost, nothing owned twice, computed from the instances' events; every instance's Actuator UP before the
 * kill, the survivors UP and holding nothing at the end) must come out clean.
 */
class SpringBootFailoverDemoTests {

	@Test
	void demoEndsWithNothingLostNothingOwnedTwiceAndActuatorShowingIt() throws Exception {
		assertThat(new FailoverDemo(new BootInstances()).run()).isZero();
	}

}
