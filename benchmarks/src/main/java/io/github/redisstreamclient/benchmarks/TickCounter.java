package io.github.redisstreamclient.benchmarks;

import java.time.Instant;
import java.util.function.LongSupplier;

import io.github.redisstreamclient.core.RecoverableStreamClient;

/**
 * Counts one client's session renewal ticks and the {@code session-renew.lua} calls made in them, exactly: a tick is
 * seen when {@code lastRenewal()} moves, and the call counter (the client's {@code lease.renewal.latency} timer, one
 * record per renewal call) is read at that moment, between two ticks, when no call is in flight.
 */
final class TickCounter {

	private final RecoverableStreamClient client;

	private final LongSupplier renewalCalls;

	private Instant last;

	private long callsAtFirstTick = -1;

	private long callsAtLastTick;

	private long ticks = -1;

	TickCounter(RecoverableStreamClient client, LongSupplier renewalCalls) {
		this.client = client;
		this.renewalCalls = renewalCalls;
		this.last = client.lastRenewal();
	}

	TickCounter(LeaseHolder.Ours holder) {
		this(holder.client(), holder::renewalCalls);
	}

	/** Call often (every 25 ms) during the window. */
	void poll() {
		Instant now = this.client.lastRenewal();
		if (now != null && !now.equals(this.last)) {
			this.last = now;
			long calls = this.renewalCalls.getAsLong();
			if (this.callsAtFirstTick < 0) {
				this.callsAtFirstTick = calls;
			}
			this.callsAtLastTick = calls;
			this.ticks++;
		}
	}

	/** Ticks completed after the first one seen. */
	long ticks() {
		return Math.max(0, this.ticks);
	}

	/** Renewal calls (round trips) made by those ticks. */
	long calls() {
		return (this.callsAtFirstTick < 0) ? 0 : this.callsAtLastTick - this.callsAtFirstTick;
	}

	double callsPerTick() {
		return (ticks() == 0) ? Double.NaN : (double) calls() / ticks();
	}

}
