package io.github.redisstreamclient.autoconfigure.endpoint;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;

import io.github.redisstreamclient.core.OwnedStream;
import io.github.redisstreamclient.core.RecoverableStreamClient;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * Actuator endpoint {@code redisstreams}: the streams this consumer holds, with their LBS entry, fencing token and
 * since when.
 */
@Endpoint(id = "redisstreams")
public class RedisStreamsEndpoint {

	private final RecoverableStreamClient client;

	public RedisStreamsEndpoint(RecoverableStreamClient client) {
		this.client = client;
	}

	@ReadOperation
	public ConsumerDescriptor streams() {
		List<OwnedStreamDescriptor> streams = this.client.ownedStreams()
			.stream()
			.sorted(Comparator.comparing(OwnedStream::heldSince))
			.map((s) -> new OwnedStreamDescriptor(s.name(), s.ref().lbsEntryId(), s.fencingToken(), s.heldSince()))
			.toList();
		return new ConsumerDescriptor(this.client.id(), this.client.serviceName(), this.client.isRunning(),
				streams.size(), streams);
	}

	/** This consumer and what it owns. */
	public record ConsumerDescriptor(String consumerId, String service, boolean running, int ownedStreams,
			List<OwnedStreamDescriptor> streams) {
	}

	/** One owned stream. */
	public record OwnedStreamDescriptor(String name, String lbsEntryId, long fencingToken, Instant heldSince) {
	}

}
