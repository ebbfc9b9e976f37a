package io.github.redisstreamclient.core.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.github.redisstreamclient.core.StreamEntry;
import io.github.redisstreamclient.core.StreamNotOwnedException;
import io.github.redisstreamclient.core.StreamNotification;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.data.redis.connection.stream.MapRecord;
import org.springframework.data.redis.connection.stream.ReadOffset;
import org.springframework.data.redis.connection.stream.StreamOffset;
import org.springframework.data.redis.connection.stream.StreamReadOptions;

/**
 * The Redis work behind {@link io.github.redisstreamclient.core.OwnedStream}: done, release, reading the data stream
 * from its checkpoint, and the fenced commit.
 */
final class StreamOperations implements Lease.LeaseOwner {

	private static final Logger logger = LoggerFactory.getLogger(StreamOperations.class);

	/** Streams per release script call. */
	private static final int RELEASE_BATCH = 1000;

	private final Ownership ownership;

	private final Announcer announcer;

	StreamOperations(Ownership ownership, Announcer announcer) {
		this.ownership = ownership;
		this.announcer = announcer;
	}

	@Override
	public void done(Lease lease) {
		if (lease.state() == Lease.State.DONE) {
			return; // done() is idempotent: finished is finished
		}
		if (!lease.startFinishing()) {
			throw new StreamNotOwnedException(
					"Stream '" + lease.name() + "' (" + lease.entryId() + ") is no longer owned: " + lease.state());
		}
		// When Redis does not answer, the lease stays FINISHING and this throws: Redis may have run the script or
		// not. done() may be called again, and the renewer learns the outcome meanwhile.
		OwnershipStore.DoneOutcome outcome;
		try {
			outcome = this.ownership.store().done(lease);
		}
		catch (RuntimeException ex) {
			this.ownership.registry().markInDoubt(lease);
			throw ex;
		}
		if (outcome == OwnershipStore.DoneOutcome.NOT_OWNER) {
			if (lease.end(Lease.State.LOST)) {
				this.ownership.registry().remove(lease);
				this.ownership.metrics().disowned();
			}
			throw new StreamNotOwnedException("Stream '" + lease.name() + "' (" + lease.entryId()
					+ ") was taken over by another consumer before done");
		}
		if (outcome == OwnershipStore.DoneOutcome.ALREADY_FINISHED) {
			logger.debug("Stream '{}' ({}) was already finished: an earlier done() whose answer was lost ran after all",
					lease.name(), lease.entryId());
		}
		if (lease.finish()) {
			this.ownership.metrics().processed(System.currentTimeMillis() - lease.heldSince().toEpochMilli());
		}
		this.ownership.registry().remove(lease);
	}

	@Override
	public void release(Lease lease) {
		if (!lease.isOwned() || release(List.of(lease), null) == 0) {
			throw new StreamNotOwnedException("Consumer " + this.ownership.consumerId() + " no longer owns stream '"
					+ lease.name() + "' (" + lease.entryId() + "): not released");
		}
	}

	/**
	 * Releases streams (owner {@code released:<token>}) and announces them; with a {@code reason} each one's owner is
	 * told {@code STREAM_DISOWNED}. Returns how many were released.
	 */
	public int release(List<Lease> leases, @Nullable String reason) {
		int released = 0;
		for (int from = 0; from < leases.size(); from += RELEASE_BATCH) {
			List<Lease> batch = leases.subList(from, Math.min(from + RELEASE_BATCH, leases.size()));
			int[] results = this.ownership.store().release(batch);
			List<String> ids = new ArrayList<>();
			for (int i = 0; i < results.length; i++) {
				Lease lease = batch.get(i);
				if (results[i] == 1 && lease.end(Lease.State.RELEASED)) {
					this.ownership.registry().remove(lease);
					ids.add(lease.entryId());
					if (reason != null) {
						this.ownership.metrics().disowned();
						this.ownership.dispatcher()
							.dispatch(StreamNotification.disowned(lease.ref(), lease.info(), lease.fencingToken(),
									reason));
					}
				}
			}
			released += ids.size();
			this.announcer.released(ids);
		}
		return released;
	}

	@Override
	public List<StreamEntry> read(Lease lease, String after, int count, Duration block) {
		StreamReadOptions options = StreamReadOptions.empty().count(count);
		if (!block.isZero()) {
			options = options.block(block);
		}
		List<MapRecord<String, Object, Object>> records;
		try {
			records = this.ownership.redis()
				.opsForStream()
				.read(options, StreamOffset.create(lease.name(), ReadOffset.from(after)));
		}
		catch (RuntimeException ex) {
			throw AclDenials.translate(ex, "XREAD of data stream '" + lease.name() + "'");
		}
		List<StreamEntry> entries = new ArrayList<>();
		for (MapRecord<String, Object, Object> entry : (records != null) ? records
				: List.<MapRecord<String, Object, Object>>of()) {
			Map<String, String> fields = new LinkedHashMap<>();
			entry.getValue().forEach((field, value) -> fields.put(String.valueOf(field), String.valueOf(value)));
			entries.add(new StreamEntry(entry.getId().getValue(), fields));
		}
		return entries;
	}

	@Override
	public void commit(Lease lease, String entryId) {
		if (!lease.isOwned() || !this.ownership.store().commit(lease, entryId)) {
			throw new StreamNotOwnedException("Consumer " + this.ownership.consumerId() + " no longer owns stream '"
					+ lease.name() + "': checkpoint not moved to " + entryId);
		}
	}

	@Override
	public Optional<String> checkpoint(Lease lease) {
		return Optional.ofNullable(this.ownership.store().checkpoint(lease.name()));
	}

	/** Tells the other consumers about released streams. */
	@FunctionalInterface
	public interface Announcer {

		void released(List<String> entryIds);

	}

}
