package io.github.redisstreamclient.core.internal;

/**
 * The arithmetic of spreading streams over the live consumers (DESIGN.md, "Claim" and "Rebalance"). Pure, so that it
 * is tested on its own.
 */
final class FairShare {

	private FairShare() {
	}

	/** A fair share of {@code streams} over {@code consumers}: {@code ceil(streams / consumers)}, at least 0. */
	static long of(long streams, int consumers) {
		if (streams <= 0) {
			return 0;
		}
		int k = Math.max(1, consumers);
		return (streams + k - 1) / k;
	}

	/** How many more streams a consumer holding {@code held} may take before it is above its fair share. */
	static long room(long held, long streams, int consumers) {
		return Math.max(0, of(streams, consumers) - held);
	}

	/**
	 * How many streams a consumer holding {@code held} of {@code streams} should release: none while it holds at
	 * most its fair share times {@code 1 + tolerance}; above that, everything over its fair share.
	 */
	static long excess(long held, long streams, int consumers, double tolerance) {
		long fair = of(streams, consumers);
		long allowed = (long) Math.ceil((double) streams / Math.max(1, consumers) * (1 + tolerance));
		return (held > Math.max(fair, allowed)) ? held - fair : 0;
	}

}
