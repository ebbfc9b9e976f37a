package io.github.redisstreamclient.spring;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class SerialStreamExecutorTests {

	@Test
	void tasksOfOneKeyRunOneAtATimeInSubmissionOrder() {
		List<Integer> ran = Collections.synchronizedList(new ArrayList<>());
		List<Integer> overlaps = Collections.synchronizedList(new ArrayList<>());
		int[] running = new int[1];
		try (SerialStreamExecutor executor = new SerialStreamExecutor(Executors.newFixedThreadPool(4))) {
			for (int i = 0; i < 200; i++) {
				int n = i;
				executor.execute("stream-a", () -> {
					synchronized (running) {
						if (++running[0] > 1) {
							overlaps.add(n);
						}
					}
					ran.add(n);
					synchronized (running) {
						running[0]--;
					}
				});
			}
			await().atMost(Duration.ofSeconds(5)).until(() -> ran.size() == 200);
			await().atMost(Duration.ofSeconds(5)).until(() -> executor.busyKeys() == 0);
		}
		assertThat(overlaps).isEmpty();
		assertThat(ran).isSorted().hasSize(200);
	}

	@Test
	void aSlowKeyDoesNotHoldUpTheOthers() throws InterruptedException {
		CountDownLatch release = new CountDownLatch(1);
		CountDownLatch otherRan = new CountDownLatch(1);
		try (SerialStreamExecutor executor = new SerialStreamExecutor(Executors.newFixedThreadPool(2))) {
			executor.execute("slow", () -> {
				try {
					release.await(5, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			});
			executor.execute("fast", otherRan::countDown);

			assertThat(otherRan.await(2, TimeUnit.SECONDS)).isTrue();
			// The fast key's drain lets go of the key just after its task ran.
			await().atMost(Duration.ofSeconds(2)).until(() -> executor.busyKeys() == 1);
			release.countDown();
			await().atMost(Duration.ofSeconds(5)).until(() -> executor.busyKeys() == 0);
		}
	}

	@Test
	void aFailingTaskDoesNotStopTheTasksAfterIt() {
		List<String> ran = Collections.synchronizedList(new ArrayList<>());
		try (SerialStreamExecutor executor = new SerialStreamExecutor(Executors.newSingleThreadExecutor())) {
			executor.execute("s", () -> ran.add("first"));
			executor.execute("s", () -> {
				throw new IllegalStateException("handler bug");
			});
			executor.execute("s", () -> ran.add("third"));
			await().atMost(Duration.ofSeconds(5)).until(() -> ran.size() == 2);
		}
		assertThat(ran).containsExactly("first", "third");
	}

}
