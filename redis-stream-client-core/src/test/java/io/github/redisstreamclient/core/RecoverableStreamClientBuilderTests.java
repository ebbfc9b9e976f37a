package io.github.redisstreamclient.core;

import java.time.Duration;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Options are checked as the Go client checks them, and a bad one is named in the message. Building connects to
 * nothing, so no Redis is needed here.
 */
class RecoverableStreamClientBuilderTests {

	private final LettuceConnectionFactory factory = new LettuceConnectionFactory();

	private RecoverableStreamClient build(UnaryOperator<RecoverableStreamClient.Builder> options) {
		return options.apply(RecoverableStreamClient.builder(this.factory, "svc")).build();
	}

	@Test
	void idleTimeMustExceedTwiceTheLeaseTtl() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> build((b) -> b.leaseTtl(Duration.ofSeconds(2)).lbsIdleTime(Duration.ofSeconds(4))))
			.withMessageContaining("lbsIdleTime")
			.withMessageContaining("2 x leaseTtl");
		assertThat(build((b) -> b.leaseTtl(Duration.ofSeconds(2)).lbsIdleTime(Duration.ofMillis(4001))).id())
			.startsWith("redis-consumer-");
	}

	@Test
	void anInvalidOptionNamesTheOptionTheValueAndAValueThatWorks() {
		assertThatExceptionOfType(InvalidOptionException.class)
			.isThrownBy(() -> build((b) -> b.leaseTtl(Duration.ofSeconds(2)).lbsIdleTime(Duration.ofSeconds(3))))
			.satisfies((ex) -> {
				assertThat(ex.option()).isEqualTo("lbsIdleTime");
				assertThat(ex.value()).isEqualTo(Duration.ofSeconds(3));
				assertThat(ex.getMessage()).startsWith("lbsIdleTime (3s) must be greater than 2 x leaseTtl (2s)");
				assertThat(ex.example()).isEqualTo("40s");
			});
		assertThat(build((b) -> b.leaseTtl(Duration.ofSeconds(2)).lbsIdleTime(Duration.ofSeconds(40))).id())
			.startsWith("redis-consumer-");
		assertThatExceptionOfType(InvalidOptionException.class)
			.isThrownBy(() -> new RetryPolicy(1, Duration.ofSeconds(1), Duration.ofMillis(500)))
			.satisfies((ex) -> assertThat(ex.option()).isEqualTo("retryPolicy.maxDelay"))
			.satisfies((ex) -> assertThat(ex.example()).isEqualTo("10s"));
	}

	@Test
	void countsMustBePositive() {
		assertThatIllegalArgumentException().isThrownBy(() -> build((b) -> b.lbsRecoveryCount(0)))
			.withMessageContaining("lbsRecoveryCount");
		assertThatIllegalArgumentException().isThrownBy(() -> build((b) -> b.maxOwnedStreams(0)))
			.withMessageContaining("maxOwnedStreams");
		assertThatIllegalArgumentException().isThrownBy(() -> build((b) -> b.lbsBatchSize(-1)))
			.withMessageContaining("lbsBatchSize");
		assertThatIllegalArgumentException().isThrownBy(() -> build((b) -> b.maxTakeovers(-1)))
			.withMessageContaining("maxTakeovers");
		assertThat(build((b) -> b.maxTakeovers(0)).id()).startsWith("redis-consumer-");
	}

	@Test
	void rebalanceToleranceMustBeAFractionOfZeroOrMore() {
		assertThatIllegalArgumentException().isThrownBy(() -> build((b) -> b.rebalanceTolerance(-0.1)))
			.withMessageContaining("rebalanceTolerance");
		assertThatIllegalArgumentException().isThrownBy(() -> build((b) -> b.rebalanceTolerance(Double.NaN)))
			.withMessageContaining("rebalanceTolerance");
		assertThat(build((b) -> b.rebalance(true).rebalanceTolerance(0)).id()).startsWith("redis-consumer-");
	}

	@Test
	void aConsumerIdMayNotHoldTheSeparatorsOfTheReleasedChannel() {
		assertThatIllegalArgumentException().isThrownBy(() -> build((b) -> b.consumerId("a,b")))
			.withMessageContaining("consumerId")
			.withMessageContaining("','");
		assertThatIllegalArgumentException().isThrownBy(() -> build((b) -> b.consumerId("a\nb")))
			.withMessageContaining("line break");
		assertThat(build((b) -> b.consumerId("pod-7:blue")).id()).isEqualTo("redis-consumer-pod-7:blue");
	}

	@Test
	void aBuiltClientKeepsItsOptionsWhenTheBuilderChangesAfterwards() {
		RecoverableStreamClient.Builder builder = RecoverableStreamClient.builder(this.factory, "svc")
			.leaseTtl(Duration.ofSeconds(3))
			.lbsIdleTime(Duration.ofSeconds(40));
		RecoverableStreamClient client = builder.build();
		builder.leaseTtl(Duration.ofSeconds(9));
		assertThat(client.leaseTtl()).isEqualTo(Duration.ofSeconds(3));
		assertThat(builder.build().leaseTtl()).isEqualTo(Duration.ofSeconds(9));
	}

	@Test
	void durationsMustBePositiveAndRenewalFasterThanTheTtl() {
		assertThatIllegalArgumentException().isThrownBy(() -> build((b) -> b.leaseTtl(Duration.ZERO)))
			.withMessageContaining("leaseTtl");
		assertThatIllegalArgumentException().isThrownBy(() -> build((b) -> b.sweepInterval(Duration.ofSeconds(-1))))
			.withMessageContaining("sweepInterval");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> build((b) -> b.leaseRenewalInterval(Duration.ofSeconds(2))))
			.withMessageContaining("leaseRenewalInterval");
	}

	@Test
	void serviceNameAndConsumerIdMustNotBeBlank() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> RecoverableStreamClient.builder(this.factory, " "))
			.withMessageContaining("serviceName");
		assertThatIllegalArgumentException().isThrownBy(() -> build((b) -> b.consumerId(" ")))
			.withMessageContaining("consumerId");
	}

	@Test
	void consumerIdIsPrefixedOnce() {
		assertThat(build((b) -> b.consumerId("pod-a")).id()).isEqualTo("redis-consumer-pod-a");
		assertThat(build((b) -> b.consumerId("redis-consumer-pod-a")).id()).isEqualTo("redis-consumer-pod-a");
	}

}
