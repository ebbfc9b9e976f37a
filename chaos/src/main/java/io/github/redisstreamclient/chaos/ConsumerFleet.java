package io.github.redisstreamclient.chaos;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.redisstreamclient.chaos.HistoryEvent.Kind;

/**
 * The consumer JVMs of a run: starts them, and kills, freezes or closes them when the injector says so. Each JVM is
 * an incarnation, labelled {@code <consumer id>.<n>}: a replacement started with the same consumer id is
 * {@code c2.2} after {@code c2.1}.
 */
final class ConsumerFleet implements AutoCloseable {

	private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

	private final RedisTarget target;

	private final String service;

	private final History history;

	private final Duration leaseTtl;

	private final Duration sweepInterval;

	private final Path logs;

	private final Map<String, Member> members = new ConcurrentHashMap<>();

	private final Map<String, AtomicInteger> incarnations = new ConcurrentHashMap<>();

	private final AtomicInteger consumerIds = new AtomicInteger();

	/** @param logs where each JVM's log goes, as {@code <incarnation>.log} */
	ConsumerFleet(RedisTarget target, String service, History history, Duration leaseTtl, Duration sweepInterval,
			Path logs) {
		this.logs = logs;
		this.target = target;
		this.service = service;
		this.history = history;
		this.leaseTtl = leaseTtl;
		this.sweepInterval = sweepInterval;
	}

	/** Starts a consumer with a consumer id never used before in this run. */
	Member spawnNew() {
		return spawn("c" + this.consumerIds.incrementAndGet());
	}

	/** Starts a JVM for {@code consumerId}; does not wait for it to be ready. */
	Member spawn(String consumerId) {
		String label = consumerId + "." + this.incarnations.computeIfAbsent(consumerId, (id) -> new AtomicInteger())
			.incrementAndGet();
		String address = this.target.addressFor(label);
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		ProcessBuilder builder = new ProcessBuilder(java, "-Xmx96m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
				"-Dorg.slf4j.simpleLogger.defaultLogLevel=info", "-Dorg.slf4j.simpleLogger.showDateTime=true",
				"-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS", "-cp", System.getProperty("java.class.path"),
				ChaosConsumer.class.getName(), address, this.service, consumerId, label,
				Long.toString(this.leaseTtl.toMillis()), Long.toString(this.sweepInterval.toMillis()));
		builder.redirectError(this.logs.resolve(label + ".log").toFile());
		Process process;
		try {
			process = builder.start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot start a consumer JVM", ex);
		}
		Member member = new Member(label, consumerId, process);
		this.members.put(label, member);
		Thread reader = new Thread(() -> member.readReports(), "chaos-reports-" + label);
		reader.setDaemon(true);
		member.reader = reader;
		reader.start();
		return member;
	}

	/** The JVMs still running (frozen ones too), in the order they started. */
	List<Member> running() {
		return this.members.values().stream().filter((m) -> m.process.isAlive() && !m.closing.get())
			.sorted((a, b) -> Long.compare(a.startedAt, b.startedAt)).toList();
	}

	void awaitReady(Member member) {
		try {
			if (!member.ready.await(READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
				throw new IllegalStateException(member.label + " did not start within " + READY_TIMEOUT.toSeconds() + " s");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted", ex);
		}
	}

	/** {@code SIGKILL}: no shutdown hook, no handoff; its leases just stop being renewed. */
	void kill(Member member) {
		member.process.destroyForcibly();
		waitFor(member.process, Duration.ofSeconds(10));
		joinReader(member);
		this.target.release(member.label);
	}

	void freeze(Member member) {
		signal(member, "STOP");
	}

	void thaw(Member member) {
		signal(member, "CONT");
	}

	/** Asks for a graceful close and waits for the JVM to exit; kills it after 20 s. */
	void close(Member member) {
		member.closing.set(true);
		member.stdin.println("close");
		if (!waitFor(member.process, Duration.ofSeconds(20))) {
			member.process.destroyForcibly();
			waitFor(member.process, Duration.ofSeconds(10));
		}
		joinReader(member);
		this.target.release(member.label);
	}

	/** Closes every running consumer gracefully, in parallel. */
	void closeAll() {
		List<Thread> closers = new ArrayList<>();
		for (Member member : running()) {
			Thread closer = new Thread(() -> close(member), "chaos-close-" + member.label);
			closer.start();
			closers.add(closer);
		}
		for (Thread closer : closers) {
			try {
				closer.join();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	@Override
	public void close() {
		for (Member member : this.members.values()) {
			if (member.process.isAlive()) {
				signal(member, "CONT");
				member.process.destroyForcibly();
			}
		}
	}

	private void joinReader(Member member) {
		try {
			member.reader.join(5000); // what it reported just before the end still counts
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static void signal(Member member, String signal) {
		if (!member.process.isAlive()) {
			return;
		}
		try {
			Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(member.process.pid())).start();
			kill.waitFor(5, TimeUnit.SECONDS);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static boolean waitFor(Process process, Duration timeout) {
		try {
			return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	/** One consumer JVM. */
	final class Member {

		final String label;

		final String consumerId;

		final Process process;

		final PrintWriter stdin;

		final long startedAt = System.nanoTime();

		final CountDownLatch ready = new CountDownLatch(1);

		/** Set while a fault takes it out (frozen, partitioned, slowed): the injector leaves it alone meanwhile. */
		final AtomicBoolean impaired = new AtomicBoolean();

		final AtomicBoolean closing = new AtomicBoolean();

		volatile Thread reader;

		Member(String label, String consumerId, Process process) {
			this.label = label;
			this.consumerId = consumerId;
			this.process = process;
			this.stdin = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
		}

		boolean isHealthy() {
			return this.process.isAlive() && this.ready.getCount() == 0 && !this.impaired.get() && !this.closing.get();
		}

		private void readReports() {
			this.process.inputReader(StandardCharsets.UTF_8).lines().forEach((line) -> {
				HistoryEvent event;
				try {
					event = HistoryEvent.parse(line);
				}
				catch (RuntimeException ex) {
					return; // not a report: a library printing to stdout
				}
				ConsumerFleet.this.history.record(event);
				if (event.kind() == Kind.READY) {
					this.ready.countDown();
				}
			});
		}

		@Override
		public String toString() {
			return this.label;
		}

	}

}
