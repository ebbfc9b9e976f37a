package io.github.redisstreamclient.test;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The faults a {@link FaultProxy} currently injects, shared by all its pumps. Every change bumps a version and wakes
 * the pumps waiting for one, so a pump that read the state before the change cannot sleep through it.
 */
final class ProxyFaults {

	private boolean blackholed;

	private long latencyNanos;

	private long version;

	synchronized void blackhole() {
		this.blackholed = true;
		changed();
	}

	synchronized void heal() {
		this.blackholed = false;
		this.latencyNanos = 0;
		changed();
	}

	synchronized void latency(Duration latency) {
		this.latencyNanos = latency.toNanos();
		changed();
	}

	/** Wakes every waiting pump so it sees a change outside this object, such as its connection closing. */
	synchronized void wake() {
		changed();
	}

	synchronized boolean isBlackholed() {
		return this.blackholed;
	}

	/** @return the current faults, read together so that a pump decides on one consistent state */
	synchronized State state() {
		return new State(this.version, this.blackholed, this.latencyNanos);
	}

	/**
	 * Waits until the faults change or the timeout passes; returns at once if they changed since {@code seen} was
	 * read.
	 * @param seen the version of the state the caller decided on
	 * @param timeoutNanos how long to wait at most; {@link Long#MAX_VALUE} for no limit
	 */
	synchronized void awaitChange(long seen, long timeoutNanos) throws InterruptedException {
		if (this.version != seen) {
			return;
		}
		if (timeoutNanos == Long.MAX_VALUE) {
			wait();
		}
		else if (timeoutNanos > 0) {
			TimeUnit.NANOSECONDS.timedWait(this, timeoutNanos);
		}
	}

	private void changed() {
		this.version++;
		notifyAll();
	}

	/**
	 * The faults at one moment.
	 * @param version increases with every change
	 * @param blackholed whether nothing may be forwarded
	 * @param latencyNanos how long each chunk is held after it was read
	 */
	record State(long version, boolean blackholed, long latencyNanos) {

	}

}
