package io.github.redisstreamclient.core.internal;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class FairShareTests {

	@Test
	void aShareIsTheCeilingOfStreamsOverConsumers() {
		assertThat(FairShare.of(30, 3)).isEqualTo(10);
		assertThat(FairShare.of(31, 3)).isEqualTo(11);
		assertThat(FairShare.of(1, 8)).isEqualTo(1);
		assertThat(FairShare.of(0, 3)).isZero();
		assertThat(FairShare.of(100_000, 7)).isEqualTo(14_286);
	}

	@Test
	void noLiveConsumerCountsAsOne() {
		assertThat(FairShare.of(5, 0)).isEqualTo(5);
		assertThat(FairShare.room(0, 5, 0)).isEqualTo(5);
	}

	@Test
	void sharesOfEveryConsumerCoverEveryStream() {
		for (int consumers = 1; consumers <= 9; consumers++) {
			for (long streams = 0; streams <= 100; streams++) {
				assertThat(FairShare.of(streams, consumers) * consumers).isGreaterThanOrEqualTo(streams);
				assertThat((FairShare.of(streams, consumers) - 1) * consumers).isLessThan(Math.max(streams, 1));
			}
		}
	}

	@Test
	void roomIsWhatIsLeftBelowTheShare() {
		assertThat(FairShare.room(0, 20, 2)).isEqualTo(10);
		assertThat(FairShare.room(7, 20, 2)).isEqualTo(3);
		assertThat(FairShare.room(12, 20, 2)).isZero();
	}

	@Test
	void excessIsReleasedOnlyAboveTheTolerance() {
		// 20 streams over 2 consumers: a share of 10, 12 allowed with 20 % tolerance.
		assertThat(FairShare.excess(20, 20, 2, 0.2)).isEqualTo(10);
		assertThat(FairShare.excess(13, 20, 2, 0.2)).isEqualTo(3);
		assertThat(FairShare.excess(12, 20, 2, 0.2)).isZero();
		assertThat(FairShare.excess(11, 20, 2, 0.0)).isEqualTo(1);
		assertThat(FairShare.excess(10, 20, 2, 0.0)).isZero();
		// One stream and two consumers: whoever holds it keeps it.
		assertThat(FairShare.excess(1, 1, 2, 0.0)).isZero();
		assertThat(FairShare.excess(5, 5, 1, 0.2)).isZero();
	}

}
