package io.github.redisstreamclient.core.internal;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.github.redisstreamclient.core.KeyspaceNotifications;
import io.lettuce.core.cluster.RedisClusterClient;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;
import org.springframework.data.redis.listener.Topic;

/**
 * Notices expired leases in three ways and hands their LBS entry ids, de-duplicated, to one worker thread:
 * <ul>
 * <li>keyevent notifications ({@code __keyevent@<db>__:expired}) of this service's lease keys: low latency;</li>
 * <li>the {@code <service>-released} channel, on which a closing consumer names the streams it hands off;</li>
 * <li>a periodic sweep of the LBS pending entries whose lease key is gone, which catches what pub/sub lost and
 * serves alone where {@code CONFIG} is refused.</li>
 * </ul>
 * The consumers of a service take turns to sweep ({@code sweep-turn.lua}): every {@code sweepInterval / 8} each asks
 * whether a sweep started within the last {@code 7/8 sweepInterval}, and the first to find none sweeps and
 * announces what it found on the released channel. So the pending list is walked about once per interval whatever
 * the number of consumers, and an expiry still waits at most one interval for a sweep.
 */
public final class ExpiryDetector {

	private static final Logger logger = LoggerFactory.getLogger(ExpiryDetector.class);

	private static final int SWEEP_PAGE = 1000;

	/** A sweep's findings are announced in messages of at most this many entry ids. */
	private static final int ANNOUNCE_BATCH = 1000;

	/** First line of a released-channel message that announces a sweep's findings (then the sweeper, then ids). */
	private static final String SWEPT = "swept";

	private final RedisConnectionFactory connectionFactory;

	private final StringRedisTemplate redis;

	private final ServiceKeys keys;

	private final LeaseStore store;

	private final KeyspaceNotifications mode;

	private final Duration leaseTtl;

	private final Duration sweepInterval;

	private final Duration notificationCheckInterval;

	private final ClientMetrics metrics;

	private final ExpiredHandler handler;

	private final Runnable onRedisAnswered;

	private final ScheduledExecutorService worker;

	private final String consumerId;

	private final ConcurrentLinkedQueue<Detected> detected = new ConcurrentLinkedQueue<>();

	private final Set<String> queued = ConcurrentHashMap.newKeySet();

	private final AtomicBoolean drainScheduled = new AtomicBoolean();

	private volatile boolean notificationsEnabled;

	private volatile boolean configRefused;

	private volatile boolean sweepDeniedLogged;

	private long lastNotificationCheck = System.nanoTime();

	private volatile boolean running;

	private @Nullable RedisMessageListenerContainer listenerContainer;

	private @Nullable ClusterPubSub clusterPubSub;

	private final String expiredChannel;

	public ExpiryDetector(String consumerId, RedisConnectionFactory connectionFactory, StringRedisTemplate redis,
			ServiceKeys keys, LeaseStore store, KeyspaceNotifications mode, Duration leaseTtl, Duration sweepInterval,
			Duration notificationCheckInterval, ClientMetrics metrics, ExpiredHandler handler,
			Runnable onRedisAnswered) {
		this.consumerId = consumerId;
		this.connectionFactory = connectionFactory;
		this.redis = redis;
		this.keys = keys;
		this.store = store;
		this.mode = mode;
		this.leaseTtl = leaseTtl;
		this.sweepInterval = sweepInterval;
		this.notificationCheckInterval = notificationCheckInterval;
		this.metrics = metrics;
		this.handler = handler;
		this.onRedisAnswered = onRedisAnswered;
		this.expiredChannel = "__keyevent@" + database() + "__:expired";
		this.worker = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "rsc-expiry-" + consumerId);
			thread.setDaemon(true);
			return thread;
		});
	}

	/** Configures and subscribes; fails only in {@link KeyspaceNotifications#FORCE} mode when CONFIG is refused. */
	public void start() {
		this.running = true;
		this.notificationsEnabled = configureNotifications();
		List<String> nodeChannels = (this.mode != KeyspaceNotifications.OFF) ? List.of(this.expiredChannel)
				: List.of();
		if (this.connectionFactory instanceof LettuceConnectionFactory lettuce && lettuce.isClusterAware()
				&& lettuce.getNativeClient() instanceof RedisClusterClient cluster) {
			this.clusterPubSub = new ClusterPubSub(cluster, nodeChannels, List.of(this.keys.releasedChannel()),
					this::onMessage);
		}
		else {
			List<Topic> topics = new ArrayList<>();
			topics.add(new ChannelTopic(this.keys.releasedChannel()));
			nodeChannels.forEach((channel) -> topics.add(new ChannelTopic(channel)));
			RedisMessageListenerContainer container = new RedisMessageListenerContainer();
			container.setConnectionFactory(this.connectionFactory);
			// The listener only queues ids, so it may run on the Redis I/O thread: no thread per message.
			container.setTaskExecutor(Runnable::run);
			container.addMessageListener((message, pattern) -> onMessage(
					new String(message.getChannel(), StandardCharsets.UTF_8),
					new String(message.getBody(), StandardCharsets.UTF_8)), topics);
			this.listenerContainer = container;
			try {
				container.afterPropertiesSet();
				container.start();
			}
			catch (RuntimeException ex) {
				throw AclDenials.translate(ex, "SUBSCRIBE to " + topics.stream().map(Topic::getTopic).toList());
			}
		}
		long attempt = Math.max(1, this.sweepInterval.toMillis() / 8);
		this.worker.scheduleWithFixedDelay(this::sweepIfDue, attempt, attempt, TimeUnit.MILLISECONDS);
		this.worker.scheduleWithFixedDelay(this::maintain, this.sweepInterval.toMillis(),
				this.sweepInterval.toMillis(), TimeUnit.MILLISECONDS);
	}

	private void onMessage(String channel, String body) {
		if (channel.equals(this.expiredChannel)) {
			// Proof that the server publishes expired events, also where this user may not read CONFIG.
			this.notificationsEnabled = true;
			String entryId = this.keys.entryIdOfLeaseKey(body);
			if (entryId != null) {
				detected(entryId, "notification");
			}
		}
		else if (body.startsWith(SWEPT + "\n")) {
			String[] parts = body.split("\n", 3);
			// The sweeper queued its findings itself.
			if (parts.length == 3 && !parts[1].equals(this.consumerId)) {
				queueAll(parts[2], "sweep");
			}
		}
		else {
			queueAll(body, "handoff");
		}
	}

	private void queueAll(String commaSeparatedIds, String source) {
		for (String entryId : commaSeparatedIds.split(",")) {
			if (!entryId.isBlank()) {
				detected(entryId.trim(), source);
			}
		}
	}

	/** Whether keyevent notifications are switched on at the server (as far as this client could tell). */
	public boolean notificationsEnabled() {
		return this.notificationsEnabled;
	}

	/** How expiry is detected, for health details: {@code notifications+sweep} or {@code sweep}. */
	public String detectionMode() {
		return (this.mode != KeyspaceNotifications.OFF && this.notificationsEnabled) ? "notifications+sweep" : "sweep";
	}

	/** Queues an expired entry for the worker. Any thread. */
	public void detected(String entryId, String source) {
		if (!this.running || !this.queued.add(entryId)) {
			return;
		}
		this.metrics.expirationDetected(source);
		this.detected.add(new Detected(entryId, System.nanoTime()));
		if (this.drainScheduled.compareAndSet(false, true)) {
			try {
				this.worker.execute(this::drain);
			}
			catch (RuntimeException ex) {
				// Shutting down.
				this.drainScheduled.set(false);
			}
		}
	}

	private void drain() {
		this.drainScheduled.set(false);
		List<Detected> batch = new ArrayList<>();
		Detected next;
		while ((next = this.detected.poll()) != null) {
			batch.add(next);
			if (batch.size() == 500) {
				handle(batch);
				batch = new ArrayList<>();
			}
		}
		if (!batch.isEmpty()) {
			handle(batch);
		}
	}

	private void handle(List<Detected> batch) {
		for (Detected d : batch) {
			this.queued.remove(d.entryId());
		}
		if (!this.running) {
			return;
		}
		try {
			this.handler.handle(batch);
		}
		catch (RuntimeException ex) {
			// The sweep finds these again if they are still unowned.
			String denied = AclDenials.explain(ex, "claiming expired streams");
			if (denied != null) {
				logger.error("Handling {} expired lease(s) failed: {}", batch.size(), denied);
			}
			else {
				logger.warn("Handling {} expired lease(s) failed: {}", batch.size(), ex.toString());
			}
		}
	}

	/** Re-checks the notification flags and, on Redis Cluster, the node subscriptions. */
	private void maintain() {
		if (!this.running) {
			return;
		}
		recheckNotifications();
		if (this.clusterPubSub != null) {
			this.clusterPubSub.refresh();
		}
	}

	/** Sweeps when it is this consumer's turn: no consumer of the service started a sweep within 7/8 interval. */
	void sweepIfDue() {
		if (!this.running) {
			return;
		}
		try {
			Duration period = this.sweepInterval.minus(this.sweepInterval.dividedBy(8));
			if (this.store.takeSweepTurn(period)) {
				sweep();
			}
			this.onRedisAnswered.run();
		}
		catch (RuntimeException ex) {
			String denied = AclDenials.explain(ex, "the sweep (PUBLISH to '" + this.keys.releasedChannel() + "')");
			if (denied == null) {
				logger.warn("Sweep of the LBS pending entries failed: {}", ex.toString());
			}
			else if (!this.sweepDeniedLogged) {
				// Said once: it fails the same way every time until someone grants the permission.
				this.sweepDeniedLogged = true;
				logger.error("Sweep of the LBS pending entries failed, and will until the permission is granted: {}",
						denied);
			}
		}
	}

	/**
	 * Walks the LBS pending entries idle longer than the lease TTL whose lease is gone, queues them and tells the
	 * other consumers.
	 */
	private void sweep() {
		List<String> found = new ArrayList<>();
		String start = "-";
		do {
			LeaseStore.ExpiredPage page = this.store.findExpired(this.leaseTtl, start, SWEEP_PAGE);
			for (String entryId : page.entryIds()) {
				detected(entryId, "sweep");
				found.add(entryId);
			}
			start = page.next();
		}
		while (start != null && this.running);
		for (int from = 0; from < found.size(); from += ANNOUNCE_BATCH) {
			List<String> ids = found.subList(from, Math.min(from + ANNOUNCE_BATCH, found.size()));
			this.redis.convertAndSend(this.keys.releasedChannel(),
					SWEPT + "\n" + this.consumerId + "\n" + String.join(",", ids));
		}
	}

	/**
	 * A restarted Redis forgets a {@code CONFIG SET}: check the flags now and then (once a minute by default) and
	 * set them again, so
	 * notifications come back without a client restart. Meanwhile the sweep covers.
	 */
	private void recheckNotifications() {
		if (this.mode == KeyspaceNotifications.OFF || this.configRefused
				|| System.nanoTime() - this.lastNotificationCheck < this.notificationCheckInterval.toNanos()) {
			return;
		}
		this.lastNotificationCheck = System.nanoTime();
		try {
			if (!covers(currentNotifyFlags())) {
				logger.info("notify-keyspace-events lost its expired events (Redis restarted?), setting them again");
				this.notificationsEnabled = configureNotifications();
			}
		}
		catch (RuntimeException ex) {
			logger.debug("Cannot check notify-keyspace-events", ex);
		}
	}

	private boolean configureNotifications() {
		if (this.mode == KeyspaceNotifications.OFF) {
			return false;
		}
		try {
			String current = currentNotifyFlags();
			if (this.mode == KeyspaceNotifications.AUTO && covers(current)) {
				return true;
			}
			String wanted = merge(current);
			this.redis.execute((RedisCallback<Void>) (connection) -> {
				connection.serverCommands().setConfig("notify-keyspace-events", wanted);
				return null;
			});
			logger.info("Set notify-keyspace-events to '{}' (was '{}')", wanted, current);
			return true;
		}
		catch (RuntimeException ex) {
			boolean denied = AclDenials.isDenial(ex);
			if (this.mode == KeyspaceNotifications.FORCE) {
				throw new IllegalStateException("keyspaceNotifications is FORCE but CONFIG SET notify-keyspace-events "
						+ "was refused; use AUTO or OFF where CONFIG is not allowed"
						+ (denied ? " (" + AclDenials.grant("config|set") + " +config|get)" : "") + ": "
						+ rootMessage(ex), ex);
			}
			this.configRefused = true;
			if (denied) {
				// The least-privilege rule leaves CONFIG out on purpose (CONFIG GET reads every setting).
				logger.info("This Redis user may not read notify-keyspace-events (no CONFIG permission); expired "
						+ "leases are noticed from keyevents if the server publishes them (notify-keyspace-events Ex "
						+ "set by an administrator) and by the sweep every {} ms", this.sweepInterval.toMillis());
			}
			else {
				logger.warn("Cannot read or set notify-keyspace-events ({}); expired leases are found by the sweep "
						+ "every {} ms instead, unless the server already publishes expired events", ex.toString(),
						this.sweepInterval.toMillis());
			}
			return false;
		}
	}

	/**
	 * The flags of the server, or on Redis Cluster the flags of the node that covers the least (Spring Data Redis
	 * asks every node there and prefixes each value with the node's address).
	 */
	private String currentNotifyFlags() {
		Properties config = this.redis.execute(
				(RedisCallback<Properties>) (connection) -> connection.serverCommands().getConfig("notify-keyspace-events"));
		String flags = null;
		for (String name : (config != null) ? config.stringPropertyNames() : java.util.Set.<String>of()) {
			if (name.equals("notify-keyspace-events") || name.endsWith(".notify-keyspace-events")) {
				String value = config.getProperty(name);
				if (flags == null || !covers(value)) {
					flags = value;
				}
			}
		}
		return (flags != null) ? flags : "";
	}

	private static String rootMessage(Throwable error) {
		Throwable root = error;
		while (root.getCause() != null) {
			root = root.getCause();
		}
		return String.valueOf(root.getMessage());
	}

	private static boolean covers(String flags) {
		return flags.contains("E") && (flags.contains("x") || flags.contains("A"));
	}

	private static String merge(String flags) {
		StringBuilder merged = new StringBuilder(flags);
		if (!flags.contains("E")) {
			merged.append('E');
		}
		if (!flags.contains("x") && !flags.contains("A")) {
			merged.append('x');
		}
		return merged.toString();
	}

	private int database() {
		return (this.connectionFactory instanceof LettuceConnectionFactory lettuce) ? lettuce.getDatabase() : 0;
	}

	public void stop() {
		this.running = false;
		if (this.listenerContainer != null) {
			try {
				this.listenerContainer.destroy();
			}
			catch (Exception ex) {
				logger.debug("Stopping the pub/sub listener failed", ex);
			}
		}
		if (this.clusterPubSub != null) {
			this.clusterPubSub.close();
		}
		this.worker.shutdown();
		try {
			if (!this.worker.awaitTermination(5, TimeUnit.SECONDS)) {
				this.worker.shutdownNow();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			this.worker.shutdownNow();
		}
	}

	/** An expired lease's entry and when it was noticed. */
	public record Detected(String entryId, long detectedAtNanos) {
	}

	/** Acts on expired leases: claims them, or tells the listener. Runs on the detector's worker thread. */
	@FunctionalInterface
	public interface ExpiredHandler {

		void handle(List<Detected> expired);

	}

}
