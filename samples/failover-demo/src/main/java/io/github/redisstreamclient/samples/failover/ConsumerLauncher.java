package io.github.redisstreamclient.samples.failover;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How the {@link FailoverDemo} starts its consumers, and what it shows of them while it runs: plain Java consumers
 * ({@link DemoConsumer}) here, Spring Boot instances in the Spring Boot demo.
 * <p>
 * A consumer runs in a JVM of its own, reports its events on stdout, one per line ({@code READY <id> [<url>]},
 * {@code ADDED <stream> <token> <claimed> <user>}, {@code DONE}, {@code DISOWNED} or {@code HANDOFF <stream>},
 * {@code CLOSED}), shuts down gracefully on {@code SIGTERM}, and ends when the demo's JVM ends.
 */
public interface ConsumerLauncher {

	/** What the consumers are, for the demo's first line: "3 consumers", "3 Spring Boot instances". */
	String describe(int count);

	/** The command line of one consumer's JVM. */
	List<String> command(String name, String redisHost, String redisPort, String service);

	/**
	 * A JVM like this one, with its class path, running {@code mainClass}: kept small, since three of them share the
	 * machine with Redis. slf4j-simple logs at WARN, so that a plain consumer's log does not drown its reports (a
	 * Spring Boot instance sets its level in {@code application.yml}).
	 */
	static List<String> javaCommand(String maxHeap, Class<?> mainClass, String... args) {
		List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
				"-Xmx" + maxHeap, "-XX:TieredStopAtLevel=1", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp",
				System.getProperty("java.class.path"), mainClass.getName()));
		command.addAll(List.of(args));
		return command;
	}

	/**
	 * Asks the consumers for their own view of themselves at one moment of the demo.
	 * @param moment "before the kill" or "at the end"
	 * @param urls each consumer's URL as it reported it when ready, by consumer name; the killed one included
	 * @param killed the consumer that was killed, or {@code null} before the kill
	 * @return what to print, and what is wrong in it
	 */
	default View view(String moment, Map<String, String> urls, String killed) {
		return new View(List.of(), List.of());
	}

	/**
	 * What the consumers showed of themselves.
	 * @param lines printed as one block in the timeline
	 * @param problems what is wrong in it; the tally fails on any
	 */
	record View(List<String> lines, List<String> problems) {
	}

}
