package io.github.redisstreamclient.core.internal;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

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
 * Notices consumers that are gone and streams that were released, and hands them to one worker thread, which also
 * runs the client's claims, so that they never overlap:
 * <ul>
 * <li>keyevent notifications ({@code __keyevent@<db>__:expired}) of this service's session keys: one event per dead
 * consumer, not per stream;</li>
 * <li>the {@code <service>-released} channel: {@code closed} (a consumer closed: its streams are free),
 * {@code released} (single streams given back) and {@code dead} (what a sweep found);</li>
 * <li>a sweep over the group's consumers ({@code census.lua}: {@code XINFO CONSUMERS}, a session check per consumer,
 * group hygiene), which catches what pub/sub lost and serves alone where {@code CONFIG} is refused. O(consumers).</li>
 * </ul>
 * The consumers of a service take turns to sweep ({@code sweep-turn.lua}): every {@code sweepInterval / 8} each asks
 * whether a sweep started within the last {@code 7/8 sweepInterval}, and the first to find none sweeps and
 * announces the dead consumers it found on the released channel.
 */
final class DeadConsumerDetector {

	private static final Logger logger = LoggerFactory.getLogger(DeadConsumerDetector.class);

	private static final String CLOSED = "closed";

	private static final String RELEASED = "released";

	private static final String DEAD = "dead";

	/** The source of a consumer that announced it closed. */
	private static final String HANDOFF = "handoff";

	private final RedisConnectionFactory connectionFactory;

	private final StringRedisTemplate redis;

	private final ServiceKeys keys;

	private final OwnershipStore store;

	private final KeyspaceNotifications mode;

	private final Duration sweepInterval;

	private final Duration hygieneIdleTime;

	private final Duration notificationCheckInterval;

	private final ClientMetrics metrics;

	private final Handler handler;

	private final ScheduledExecutorService worker;

	private final String consumerId;

	private final Set<String> queuedConsumers = ConcurrentHashMap.newKeySet();

	private volatile boolean notificationsEnabled;

	private volatile boolean configRefused;

	private volatile boolean sweepDeniedLogged;

	private long lastNotificationCheck = System.nanoTime();

	private volatile boolean running;

	private @Nullable RedisMessageListenerContainer listenerContainer;

	private @Nullable ClusterPubSub clusterPubSub;

	private @Nullable ClusterNotifyFlags clusterFlags;

	private final String expiredChannel;

	public DeadConsumerDetector(String consumerId, RedisConnectionFactory connectionFactory, StringRedisTemplate redis,
			ServiceKeys keys, OwnershipStore store, KeyspaceNotifications mode, Duration sweepInterval,
			Duration hygieneIdleTime, Duration notificationCheckInterval, ClientMetrics metrics, Handler handler) {
		this.consumerId = consumerId;
		this.connectionFactory = connectionFactory;
		this.redis = redis;
		this.keys = keys;
		this.store = store;
		this.mode = mode;
		this.sweepInterval = sweepInterval;
		this.hygieneIdleTime = hygieneIdleTime;
		this.notificationCheckInterval = notificationCheckInterval;
		this.metrics = metrics;
		this.handler = handler;
		this.expiredChannel = "__keyevent@" + database() + "__:expired";
		ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, (task) -> {
			Thread thread = new Thread(task, "rsc-claims-" + consumerId);
			thread.setDaemon(true);
			return thread;
		});
		// Delayed work (a claim round after a pause, a retry) is dropped on stop: close() must not wait for it.
		executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
		this.worker = executor;
	}

	/** Configures and subscribes; fails only in {@link KeyspaceNotifications#FORCE} mode when CONFIG is refused. */
	public void start() {
		this.running = true;
		if (this.mode != KeyspaceNotifications.OFF && this.connectionFactory instanceof LettuceConnectionFactory lettuce
				&& lettuce.isClusterAware() && lettuce.getNativeClient() instanceof RedisClusterClient cluster) {
			this.clusterFlags = new ClusterNotifyFlags(cluster);
		}
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
			// The listener only queues work, so it may run on the Redis I/O thread: no thread per message.
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
		long now = System.nanoTime();
		if (channel.equals(this.expiredChannel)) {
			// Proof that the server publishes expired events, also where this user may not read CONFIG.
			this.notificationsEnabled = true;
			String consumer = this.keys.consumerOfSessionKey(body);
			if (consumer == null) {
				return;
			}
			if (consumer.equals(this.consumerId)) {
				execute(this.handler::ownSessionExpired);
			}
			else {
				consumerGone(consumer, "notification", now);
			}
			return;
		}
		String[] parts = body.split("\n", 3);
		if (parts.length >= 2 && parts[0].equals(CLOSED) && !parts[1].equals(this.consumerId)) {
			consumerGone(parts[1], HANDOFF, now);
		}
		else if (parts.length == 3 && parts[0].equals(RELEASED) && !parts[1].equals(this.consumerId)) {
			List<String> entryIds = List.of(parts[2].split(","));
			String releaser = parts[1];
			this.metrics.expirationDetected("release");
			execute(() -> this.handler.streamsReleased(releaser, entryIds, now));
		}
		else if (parts.length == 3 && parts[0].equals(DEAD) && !parts[1].equals(this.consumerId)) {
			// The sweeper queued its findings itself.
			for (String consumer : parts[2].split(",")) {
				if (!consumer.isBlank() && !consumer.equals(this.consumerId)) {
					consumerGone(consumer, "sweep", now);
				}
			}
		}
	}

	/** Announces that this consumer closed: the others claim its streams at once. */
	public void announceClosed() {
		this.redis.convertAndSend(this.keys.releasedChannel(), CLOSED + "\n" + this.consumerId);
	}

	/**
	 * Announces streams this consumer released, and queues this consumer's own last round for them (whoever has room
	 * takes what nobody took), which does not depend on the announcement: when pub/sub loses it, the streams still
	 * find an owner.
	 */
	public void announceReleased(List<String> entryIds) {
		if (entryIds.isEmpty()) {
			return;
		}
		long now = System.nanoTime();
		execute(() -> this.handler.streamsReleased(this.consumerId, entryIds, now));
		try {
			this.redis.convertAndSend(this.keys.releasedChannel(),
					RELEASED + "\n" + this.consumerId + "\n" + String.join(",", entryIds));
		}
		catch (RuntimeException ex) {
			logger.warn("Announcing {} released stream(s) failed; this consumer takes them back if nobody else does: {}",
					entryIds.size(), ex.toString());
		}
	}

	/**
	 * Runs {@code task} on the worker thread, after what is queued; later when {@code delay} is positive. False when
	 * the detector is stopping and the task will not run.
	 */
	public boolean execute(Runnable task, Duration delay) {
		if (!this.running) {
			return false;
		}
		try {
			this.worker.schedule(() -> runSafely(task), delay.toMillis(), TimeUnit.MILLISECONDS);
			return true;
		}
		catch (RejectedExecutionException ex) {
			// Shutting down.
			return false;
		}
	}

	private void execute(Runnable task) {
		execute(task, Duration.ZERO);
	}

	private void runSafely(Runnable task) {
		if (!this.running) {
			return;
		}
		try {
			task.run();
		}
		catch (RuntimeException ex) {
			// The sweep finds dead consumers again while they have streams to claim.
			String denied = AclDenials.explain(ex, "claiming streams, the sweep or its upkeep");
			if (denied != null) {
				logger.error("A task of the claims worker failed: {}", denied);
			}
			else {
				logger.warn("A task of the claims worker failed: {}", ex.toString());
			}
		}
	}

	/** Queues a consumer that is gone, once until the worker takes it. Any thread. */
	public void consumerGone(String consumer, String source, long detectedAtNanos) {
		if (!this.running || !this.queuedConsumers.add(consumer)) {
			return;
		}
		this.metrics.expirationDetected(source);
		execute(() -> {
			this.queuedConsumers.remove(consumer);
			this.handler.consumerGone(consumer, detectedAtNanos, HANDOFF.equals(source));
		});
	}

	/** Whether keyevent notifications are switched on at the server (as far as this client could tell). */
	public boolean notificationsEnabled() {
		return this.notificationsEnabled;
	}

	/** How expiry is detected, for health details: {@code notifications+sweep} or {@code sweep}. */
	public String detectionMode() {
		return (this.mode != KeyspaceNotifications.OFF && this.notificationsEnabled) ? "notifications+sweep" : "sweep";
	}

	/** Re-checks the notification flags and, on Redis Cluster, the node subscriptions. */
	private void maintain() {
		if (!this.running) {
			return;
		}
		// A periodic task that throws is never run again: each step fails on its own.
		runSafely(() -> recheckNotifications(false));
		if (this.clusterPubSub != null) {
			runSafely(this.clusterPubSub::refresh);
		}
		runSafely(this::applyToClusterNodes);
		runSafely(this.handler::periodic);
	}

	/**
	 * Redis answers again after failures, or this consumer's session was gone: a restarted server forgot
	 * {@code CONFIG SET}, so the flags are checked now rather than at the next periodic check.
	 */
	public void redisReturned() {
		execute(() -> recheckNotifications(true));
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
			this.handler.redisAnswered();
		}
		catch (RuntimeException ex) {
			String denied = AclDenials.explain(ex, "the sweep (census.lua, PUBLISH to '" + this.keys.releasedChannel()
					+ "')");
			if (denied == null) {
				logger.warn("Sweep of the group's consumers failed: {}", ex.toString());
			}
			else if (!this.sweepDeniedLogged) {
				// Said once: it fails the same way every time until someone grants the permission.
				this.sweepDeniedLogged = true;
				logger.error("Sweep of the group's consumers failed, and will until the permission is granted: {}",
						denied);
			}
		}
	}

	/**
	 * Lists the group's consumers (removing long-idle names without session), queues those with pending entries and
	 * no session, and tells the other consumers.
	 */
	private void sweep() {
		long now = System.nanoTime();
		List<String> dead = new ArrayList<>();
		for (OwnershipStore.GroupMember member : this.store.census(this.hygieneIdleTime)) {
			if (member.dead() && !member.name().equals(this.consumerId)) {
				dead.add(member.name());
				consumerGone(member.name(), "sweep", now);
			}
		}
		if (!dead.isEmpty()) {
			this.redis.convertAndSend(this.keys.releasedChannel(),
					DEAD + "\n" + this.consumerId + "\n" + String.join(",", dead));
		}
	}

	/**
	 * On Redis Cluster, every sweep interval: nodes that joined, and replicas promoted since, get the flags too.
	 */
	private void applyToClusterNodes() {
		if (this.clusterFlags == null || this.configRefused) {
			return;
		}
		try {
			this.clusterFlags.apply(DeadConsumerDetector::covers, DeadConsumerDetector::merge);
		}
		catch (RuntimeException ex) {
			logger.debug("Cannot set notify-keyspace-events on the cluster's nodes", ex);
		}
	}

	/**
	 * A restarted Redis forgets a {@code CONFIG SET}: check the flags now and then (once a minute by default) and
	 * set them again, so notifications come back without a client restart. Meanwhile the sweep covers.
	 */
	private void recheckNotifications(boolean now) {
		if (this.mode == KeyspaceNotifications.OFF || this.configRefused || (!now
				&& System.nanoTime() - this.lastNotificationCheck < this.notificationCheckInterval.toNanos())) {
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
			if (this.clusterFlags != null) {
				// Replicas too, which the check above does not see.
				this.clusterFlags.apply(DeadConsumerDetector::covers, DeadConsumerDetector::merge);
				return true;
			}
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
			if (!denied && !isErrorReply(ex)) {
				// Redis away or slow: not a refusal. Checked again at the next periodic check.
				logger.warn("Cannot read or set notify-keyspace-events now ({}); trying again in {} ms, the sweep "
						+ "covers meanwhile", ex.toString(), this.notificationCheckInterval.toMillis());
				return false;
			}
			this.configRefused = true;
			if (denied) {
				// The least-privilege rule leaves CONFIG out on purpose (CONFIG GET reads every setting).
				logger.info("This Redis user may not read notify-keyspace-events (no CONFIG permission); expired "
						+ "sessions are noticed from keyevents if the server publishes them (notify-keyspace-events Ex "
						+ "set by an administrator) and by the sweep every {} ms", this.sweepInterval.toMillis());
			}
			else {
				logger.warn("Cannot read or set notify-keyspace-events ({}); dead consumers are found by the sweep "
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

	/** Whether Redis answered with an error (CONFIG renamed away, an unknown setting), not whether it was reachable. */
	private static boolean isErrorReply(Throwable error) {
		for (Throwable t = error; t != null; t = t.getCause()) {
			if (t instanceof io.lettuce.core.RedisCommandExecutionException) {
				return true;
			}
		}
		return false;
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
		if (this.clusterFlags != null) {
			this.clusterFlags.close();
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

	/** What the detector hands to the client, on the worker thread (claims run there, one at a time). */
	public interface Handler {

		/**
		 * {@code consumer} has no session but may have streams: claim them (or announce them as expired).
		 * {@code closed}: it announced that it closed and released them, rather than died.
		 */
		void consumerGone(String consumer, long detectedAtNanos, boolean closed);

		/** {@code releaser} released these entries. */
		void streamsReleased(String releaser, List<String> entryIds, long detectedAtNanos);

		/** The keyevent of this consumer's own session expiring arrived. */
		void ownSessionExpired();

		/** Once per sweep interval on every consumer: for example the rebalancer. */
		void periodic();

		/** A call of the detector got an answer from Redis. */
		void redisAnswered();

	}

}
