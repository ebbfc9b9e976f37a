package io.github.redisstreamclient.benchmarks;

import java.time.Instant;

/**
 * Counts our client's renewal ticks and the renew.lua calls made in them, exactly: a tick is seen when
 * {@code lastRenewal()} moves, and the call counter is read at that moment, between two ticks, when no call is in
 * flight.
 */
final class TickCounter {

	private final LeaseHolder.Ours holder;

	private Instant last;

	private long callsAtFirstTick = -1;

	private long callsAtLastTick;

	private long ticks = -1;

	TickCounter(LeaseHolder.Ours holder) {
		this.holder = holder;
		this.last = holder.client().lastRenewal();
	}

	/** Call often (every 25 ms) during the window. */
	void poll() {
		Instant now = this.holder.client().lastRenewal();
		if (now != null && !now.equals(this.last)) {
			this.last = now;
			long calls = this.holder.renewalCalls();
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

	/** renew.lua calls made by those ticks. */
	long calls() {
		return (this.callsAtFirstTick < 0) ? 0 : this.callsAtLastTick - this.callsAtFirstTick;
	}

	double callsPerTick() {
		return (ticks() == 0) ? Double.NaN : (double) calls() / ticks();
	}

}
