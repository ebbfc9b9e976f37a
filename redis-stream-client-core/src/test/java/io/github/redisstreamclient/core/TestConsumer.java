package io.github.redisstreamclient.core;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.function.UnaryOperator;

import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * An in-process consumer for tests: a started client and every notification it received.
 */
final class TestConsumer implements AutoCloseable {

	final RecoverableStreamClient client;

	final List<StreamNotification> notifications = new CopyOnWriteArrayList<>();

	private TestConsumer(RecoverableStreamClient.Builder builder,
			BiConsumer<RecoverableStreamClient, StreamNotification> reaction) {
		RecoverableStreamClient[] self = new RecoverableStreamClient[1];
		builder.listener((notification) -> {
			this.notifications.add(notification);
			reaction.accept(self[0], notification);
		});
		this.client = builder.build();
		self[0] = this.client;
	}

	/** A started consumer with short timings; {@code customizer} may change any option. */
	static TestConsumer start(RedisConnectionFactory connectionFactory, String service, String consumerId,
			UnaryOperator<RecoverableStreamClient.Builder> customizer) {
		return start(connectionFactory, service, consumerId, customizer, (client, notification) -> {
		});
	}

	/** Like the other, and runs {@code reaction} on each notification after recording it. */
	static TestConsumer start(RedisConnectionFactory connectionFactory, String service, String consumerId,
			UnaryOperator<RecoverableStreamClient.Builder> customizer,
			BiConsumer<RecoverableStreamClient, StreamNotification> reaction) {
		RecoverableStreamClient.Builder builder = RecoverableStreamClient.builder(connectionFactory, service)
			.consumerId(consumerId)
			.leaseTtl(Duration.ofMillis(1000))
			.lbsIdleTime(Duration.ofMillis(3000))
			.lbsBlockTime(Duration.ofMillis(200))
			.sweepInterval(Duration.ofMillis(500));
		TestConsumer consumer = new TestConsumer(customizer.apply(builder), reaction);
		consumer.client.start();
		return consumer;
	}

	/** Claims every expired stream it is told about: the Go client's usage pattern. */
	static void claimOnExpired(RecoverableStreamClient client, StreamNotification notification) {
		if (notification.type() == StreamNotification.Type.STREAM_EXPIRED) {
			client.claim(notification.stream());
		}
	}

	List<StreamNotification> of(StreamNotification.Type type) {
		return this.notifications.stream().filter((n) -> n.type() == type).toList();
	}

	List<String> addedNames() {
		return of(StreamNotification.Type.STREAM_ADDED).stream().map(StreamNotification::streamName).toList();
	}

	List<String> ownedNames() {
		return this.client.ownedStreams().stream().map(OwnedStream::name).sorted().toList();
	}

	@Override
	public void close() {
		this.client.close();
	}

}
