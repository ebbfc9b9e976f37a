package io.github.redisstreamclient.benchmarks;

import java.lang.management.ManagementFactory;

/** The client side: this JVM's process CPU time and its heap after a full GC. */
final class ClientStats {

	private static final com.sun.management.OperatingSystemMXBean OS = (com.sun.management.OperatingSystemMXBean) ManagementFactory
		.getOperatingSystemMXBean();

	private ClientStats() {
	}

	/** CPU time of the whole JVM process (all threads, GC and JIT included), in nanoseconds. */
	static long processCpuNanos() {
		return OS.getProcessCpuTime();
	}

	/** Heap in use after two full collections, in bytes. */
	static long heapAfterGc() {
		long used = Long.MAX_VALUE;
		for (int i = 0; i < 3; i++) {
			System.gc();
			Bench.sleep(100);
			used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
		}
		return used;
	}

	/** A window of client CPU. */
	record Cpu(long startNanos, long startCpu) {

		static Cpu start() {
			return new Cpu(System.nanoTime(), processCpuNanos());
		}

		/** CPU used since start, as a percentage of one core. */
		double percent() {
			return 100.0 * (processCpuNanos() - this.startCpu) / (System.nanoTime() - this.startNanos);
		}

		double seconds() {
			return (processCpuNanos() - this.startCpu) / 1e9;
		}

	}

}
