package io.github.redisstreamclient.core;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

import io.github.redisstreamclient.test.RedisServer;

import static org.awaitility.Awaitility.await;

/**
 * Starts {@link ConsumerProcess} JVMs and kills or freezes them as a crash or a stall would.
 */
final class ConsumerProcesses implements AutoCloseable {

	private final List<Handle> started = new CopyOnWriteArrayList<>();

	Handle start(RedisServer redis, String service, String consumerId, Duration leaseTtl, boolean autoClaim) {
		return start(redis, service, consumerId, leaseTtl, autoClaim, false);
	}

	/** A consumer JVM connected to the Redis Cluster that {@code node} belongs to. */
	Handle startOnCluster(RedisServer node, String service, String consumerId, Duration leaseTtl, boolean autoClaim) {
		return start(node, service, consumerId, leaseTtl, autoClaim, true);
	}

	/** A consumer JVM connecting as an ACL user, over TLS when {@code redis} speaks it. */
	Handle startAs(RedisServer redis, String username, String password, String service, String consumerId,
			Duration leaseTtl, boolean autoClaim) {
		return startAs(redis, username, password, service, consumerId, leaseTtl, autoClaim, KeyspaceNotifications.AUTO);
	}

	/** Like the other, with the given keyspace notification mode. */
	Handle startAs(RedisServer redis, String username, String password, String service, String consumerId,
			Duration leaseTtl, boolean autoClaim, KeyspaceNotifications notifications) {
		Map<String, String> environment = new HashMap<>();
		environment.put(ConsumerProcess.NOTIFICATIONS, notifications.name());
		environment.put(ConsumerProcess.USERNAME, username);
		environment.put(ConsumerProcess.PASSWORD, password);
		if (redis.isTls()) {
			environment.put(ConsumerProcess.TLS_CA, redis.tls().caCertificate().toString());
		}
		return start(redis, service, consumerId, leaseTtl, autoClaim, false, environment);
	}

	private Handle start(RedisServer redis, String service, String consumerId, Duration leaseTtl, boolean autoClaim,
			boolean cluster) {
		return start(redis, service, consumerId, leaseTtl, autoClaim, cluster, Map.of());
	}

	private Handle start(RedisServer redis, String service, String consumerId, Duration leaseTtl, boolean autoClaim,
			boolean cluster, Map<String, String> environment) {
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		ProcessBuilder builder = new ProcessBuilder(java, "-Xmx128m", "-XX:TieredStopAtLevel=1",
				"-cp", System.getProperty("java.class.path"), ConsumerProcess.class.getName(),
				Integer.toString(redis.port()), service, consumerId, Long.toString(leaseTtl.toMillis()),
				Boolean.toString(autoClaim), cluster ? "cluster" : "standalone");
		builder.redirectError(ProcessBuilder.Redirect.DISCARD);
		builder.environment().putAll(environment);
		try {
			Handle handle = new Handle(builder.start());
			this.started.add(handle);
			handle.awaitLine((line) -> line.startsWith("READY"), Duration.ofSeconds(30));
			return handle;
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot start a consumer JVM", ex);
		}
	}

	@Override
	public void close() {
		for (Handle handle : this.started) {
			handle.process.destroyForcibly();
		}
	}

	/** One consumer JVM: its output lines, and the ways it can die. */
	static final class Handle {

		private final Process process;

		private final List<String> lines = new CopyOnWriteArrayList<>();

		private final Writer stdin;

		Handle(Process process) {
			this.process = process;
			this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
			Thread reader = new Thread(() -> {
				try (BufferedReader out = new BufferedReader(
						new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
					String line;
					while ((line = out.readLine()) != null) {
						this.lines.add(line);
					}
				}
				catch (IOException ex) {
					// The process died: that is what these tests do to it.
				}
			}, "consumer-process-output");
			reader.setDaemon(true);
			reader.start();
		}

		List<String> lines() {
			return new ArrayList<>(this.lines);
		}

		/** Lines of the given notification type, e.g. {@code STREAM_ADDED}. */
		List<String> lines(String prefix) {
			return this.lines.stream().filter((line) -> line.startsWith(prefix)).toList();
		}

		String awaitLine(Predicate<String> predicate, Duration timeout) {
			await().atMost(timeout).until(() -> this.lines.stream().anyMatch(predicate));
			return this.lines.stream().filter(predicate).findFirst().orElseThrow();
		}

		void send(String command) {
			try {
				this.stdin.write(command + "\n");
				this.stdin.flush();
			}
			catch (IOException ex) {
				throw new IllegalStateException("Consumer process is gone", ex);
			}
		}

		/** SIGKILL: no shutdown hook, no handoff, no cleanup, as when a pod is OOM-killed. */
		void kill() {
			this.process.destroyForcibly();
			try {
				this.process.waitFor();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

		/** SIGSTOP: the JVM freezes, its renewals stop, its connections stay open. */
		void freeze() {
			signal("-STOP");
		}

		/** SIGCONT. */
		void thaw() {
			signal("-CONT");
		}

		private void signal(String signal) {
			try {
				new ProcessBuilder("kill", signal, Long.toString(this.process.pid())).redirectError(new File("/dev/null"))
					.start()
					.waitFor();
			}
			catch (IOException | InterruptedException ex) {
				throw new IllegalStateException("Cannot signal " + signal + " to " + this.process.pid(), ex);
			}
		}

	}

}
