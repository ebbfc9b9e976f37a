package io.github.redisstreamclient.core.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

import io.github.redisstreamclient.core.StreamNotification;
import io.github.redisstreamclient.core.StreamRef;
import io.github.redisstreamclient.core.internal.LbsMessages.LbsMessage;
import io.github.redisstreamclient.core.internal.LbsMessages.MalformedEntryException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.data.domain.Range;
import org.springframework.data.redis.connection.stream.ByteRecord;
import org.springframework.data.redis.connection.stream.PendingMessages;
import org.springframework.data.redis.core.RedisCallback;

/**
 * New LBS entries for this consumer (DESIGN.md, "Assign"): the LBS reader asks here how many entries to read, and
 * hands each batch here: malformed entries are dead-lettered, the others recorded in the owner hash in one script
 * call and announced as {@code STREAM_ADDED}.
 * <p>
 * How many to read: never more than the room left under {@code maxOwnedStreams} (waiting while there is none), and,
 * unless the last read came back full (the LBS has a backlog: batched reads pay), no more than this consumer's fair
 * share of the LBS ({@code share.lua}: its length over the group's consumers) minus what it holds. Without that cap
 * a burst of entries went almost entirely to whichever consumer read first: 20 streams added to two idle consumers
 * were split 19/1.
 */
final class Assignments implements GroupReader.ReadCount, GroupReader.BatchSink {

	private static final Logger logger = LoggerFactory.getLogger(Assignments.class);

	/** Pending entries looked at per page when recording what a failed batch left behind. */
	private static final int PAGE = 1000;

	private final Ownership ownership;

	private final int batchSize;

	private final LongSupplier epoch;

	private final BooleanSupplier running;

	private volatile boolean underLoad;

	/**
	 * A batch was read but not (fully) recorded: Redis failed during {@code assign.lua}, or handling it threw. Its
	 * entries are pending for this consumer without owner, and nobody else may claim them while this consumer lives.
	 */
	private volatile boolean unrecorded;

	private volatile long readEpoch;

	public Assignments(Ownership ownership, int batchSize, LongSupplier epoch, BooleanSupplier running) {
		this.ownership = ownership;
		this.batchSize = batchSize;
		this.epoch = epoch;
		this.running = running;
	}

	/**
	 * Waits for room and reserves permits for the next LBS read, up to a batch: at {@code maxOwnedStreams} the
	 * reader waits here, so it never reads an entry this consumer could not own.
	 */
	@Override
	public int next() throws InterruptedException {
		LeaseRegistry registry = this.ownership.registry();
		if (!registry.reservePermit(this.running)) {
			return 0;
		}
		if (this.unrecorded) {
			recordOwnPending();
		}
		// The epoch the next batch is recorded under: if the session lapses and restarts meanwhile, assign.lua finds
		// it changed and checks each entry is still pending here (another consumer may have claimed and finished it).
		this.readEpoch = this.epoch.getAsLong();
		long wanted = this.batchSize;
		if (!this.underLoad) {
			try {
				OwnershipStore.LbsShare share = this.ownership.store().share();
				wanted = Math.max(1, Math.min(wanted, FairShare.room(registry.size(), share.length(),
						share.consumers())));
			}
			catch (RuntimeException ex) {
				// Redis away: the read fails as well and backs off; a permission denied is named by the read too.
			}
		}
		return 1 + registry.tryReservePermits((int) wanted - 1);
	}

	@Override
	public void unused(int count) {
		this.ownership.registry().returnPermits(count);
		// The read failed, but Redis may have delivered entries whose answer never arrived.
		this.unrecorded = true;
	}

	/**
	 * Records a batch of new entries in one script call; {@code reserved} permits were taken for it. When the script
	 * fails the entries stay pending for this consumer without owner, and the exception sends the reader into its
	 * backoff; entries pending for this consumer without owner are taken again at the next start, or by the others
	 * when this consumer dies.
	 */
	@Override
	public boolean deliver(List<GroupReader.Record> batch, int reserved) {
		this.underLoad = batch.size() >= this.batchSize;
		try {
			record(batch, reserved);
		}
		catch (RuntimeException ex) {
			this.unrecorded = true;
			throw ex;
		}
		return true;
	}

	/**
	 * Records what a failed batch left pending for this consumer without owner: its pending entries that it does not
	 * hold, looked up with {@code XPENDING} and {@code XRANGE} (a history read with {@code XREADGROUP} would count a
	 * delivery, which counts towards {@code maxTakeovers}). O(held), and only after a failure. Tried again before the
	 * next read while it fails.
	 */
	private void recordOwnPending() {
		ServiceKeys keys = this.ownership.keys();
		byte[] lbs = keys.lbs().getBytes(StandardCharsets.UTF_8);
		try {
			String from = "-";
			int recorded = 0;
			int skipped = 0;
			while (true) {
				PendingMessages page = this.ownership.redis()
					.opsForStream()
					.pending(keys.lbs(), org.springframework.data.redis.connection.stream.Consumer.from(keys.group(),
							this.ownership.consumerId()), Range.rightUnbounded(Range.Bound.inclusive(from)), PAGE);
				if (page == null || page.isEmpty()) {
					break;
				}
				List<GroupReader.Record> orphans = new ArrayList<>();
				page.forEach((message) -> {
					String id = message.getIdAsString();
					if (this.ownership.registry().holds(id)) {
						return;
					}
					List<ByteRecord> entries = this.ownership.redis()
						.execute((RedisCallback<List<ByteRecord>>) (connection) -> connection.streamCommands()
							.xRange(lbs, Range.closed(id, id)));
					if (entries != null && !entries.isEmpty()) {
						orphans.add(new GroupReader.Record(keys.lbs(), id, EntryFields.of(entries.get(0).getValue())));
					}
				});
				int permits = this.ownership.registry().tryReservePermits(orphans.size());
				record(orphans.subList(0, permits), permits);
				recorded += permits;
				skipped += orphans.size() - permits;
				if (page.size() < PAGE) {
					break;
				}
				from = nextId(page.get(page.size() - 1).getIdAsString());
			}
			// At max-owned-streams some wait for room: look again before the next read.
			this.unrecorded = skipped > 0;
			if (recorded > 0) {
				logger.info("Recorded {} stream(s) left pending without owner by a failed LBS read or batch", recorded);
			}
		}
		catch (RuntimeException ex) {
			logger.warn("Recording the streams a failed LBS batch left pending failed, trying again before the next "
					+ "read: {}", ex.toString());
		}
	}

	/** The smallest entry id after {@code id}. */
	private static String nextId(String id) {
		int dash = id.indexOf('-');
		return id.substring(0, dash + 1) + (Long.parseUnsignedLong(id.substring(dash + 1)) + 1);
	}

	private void record(List<GroupReader.Record> batch, int reserved) {
		int unused = reserved;
		try {
			List<String> entryIds = new ArrayList<>(batch.size());
			List<LbsMessage> messages = new ArrayList<>(batch.size());
			for (GroupReader.Record record : batch) {
				try {
					messages.add(LbsMessages.parse(record.fields()));
					entryIds.add(record.id());
				}
				catch (MalformedEntryException ex) {
					this.ownership.deadLetters().dropMalformed(record.id(), record.fields(), ex.getMessage());
				}
			}
			if (entryIds.isEmpty()) {
				return;
			}
			long[] tokens = this.ownership.store().assign(entryIds, this.readEpoch);
			for (int i = 0; i < tokens.length; i++) {
				if (tokens[i] < 0) {
					continue;
				}
				Lease lease = this.ownership.newLease(new StreamRef(messages.get(i).dataStreamName(), entryIds.get(i)),
						messages.get(i).info(), tokens[i]);
				if (!this.ownership.registry().add(lease)) {
					continue;
				}
				unused--;
				this.ownership.metrics().assigned();
				this.ownership.dispatcher()
					.dispatch(StreamNotification.added(lease.ref(), lease.info(), tokens[i], false));
			}
		}
		finally {
			this.ownership.registry().returnPermits(unused);
		}
	}

}
