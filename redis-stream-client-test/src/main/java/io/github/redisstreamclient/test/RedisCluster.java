package io.github.redisstreamclient.test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode.NodeFlag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.connection.RedisClusterConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * A Redis Cluster made of real {@code redis-server} processes ({@link RedisServer}s on loopback ports), for tests
 * that must see slot routing, redirects and a master failing over to its replica.
 * <p>
 * {@link #start()} gives 3 masters with one replica each; the 16384 slots are split evenly among the masters. Every
 * node runs with {@code --cluster-node-timeout 1000}, so a killed master is replaced by its replica within about 2
 * to 3 seconds, and with {@code --appendonly yes}. Startup takes a little over 2 seconds for 3 + 3 nodes (measured
 * 2.1 to 2.3 s on a 2 core machine with Redis 7.0 and 6.2 alike), almost all of it Redis' own delay of 2 seconds
 * before a freshly started master reports the cluster as ok.
 * <p>
 * The cluster is formed without {@code redis-cli}, which may not be installed: slots are assigned with
 * {@code CLUSTER ADDSLOTSRANGE} (Redis 7) or {@code CLUSTER ADDSLOTS} (Redis 6.2, such as the embedded binary), the
 * nodes meet the first one, and replicas are attached with {@code CLUSTER REPLICATE}.
 * <p>
 * {@link #start}, {@link #killMasterFor}, {@link #restart} and {@link #failover} return only once the cluster is
 * settled: every live node reports {@code cluster_state:ok}, all live nodes agree on every node's role and on who
 * serves which slots, dead nodes are flagged as failed and serve no slots, and every replica's link to its master is
 * up. A test may therefore assert on the topology right away. Clients from {@link #connectionFactory()} learn a new
 * topology by refreshing it, so a test reading through them after a failover should poll: a command the client
 * still routed to the dead master waits out the 5 second command timeout, so allow some 15 seconds.
 *
 * <pre>{@code
 * try (RedisCluster cluster = RedisCluster.start()) {
 *     StringRedisTemplate redis = new StringRedisTemplate(cluster.connectionFactory());
 *     redis.opsForValue().set("{order}:1", "new");
 *     RedisServer killed = cluster.killMasterFor("{order}");
 *     // poll until redis.opsForValue().get("{order}:1") answers again, then:
 *     cluster.restart(killed);
 * }
 * }</pre>
 */
public final class RedisCluster implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(RedisCluster.class);

	private static final int SLOTS = 16384;

	private static final int BUS_PORT_OFFSET = 10000;

	// Redis 6.2 always puts the cluster bus on port + 10000 (cluster-port is new in Redis 7), so that port must be
	// free and valid too. Keeping both below 32768, where Linux's ephemeral range starts, also stops outgoing
	// connections from grabbing the port of a killed node before it is restarted.
	private static final int MIN_PORT = 12000;

	private static final int MAX_PORT = 32767 - BUS_PORT_OFFSET;

	private static final int PORT_PROBES = 200;

	private static final int ADDSLOTS_CHUNK = 1024;

	private static final Duration FORM_TIMEOUT = Duration.ofSeconds(30);

	private static final Duration FAILOVER_TIMEOUT = Duration.ofSeconds(15);

	private static final Duration REJOIN_TIMEOUT = Duration.ofSeconds(30);

	private static final Duration POLL_INTERVAL = Duration.ofMillis(50);

	private static final Set<String> FAILURE_FLAGS = Set.of("fail", "fail?", "handshake", "noaddr");

	private final List<RedisServer> nodes;

	// Node ids are stable: a restarted node reads its own back from nodes-<port>.conf in its data directory.
	private final Map<RedisServer, String> ids = new LinkedHashMap<>();

	private final List<LettuceConnectionFactory> factories = new CopyOnWriteArrayList<>();

	private boolean closed;

	private RedisCluster(List<RedisServer> nodes) {
		this.nodes = List.copyOf(nodes);
	}

	/**
	 * Starts 3 masters with one replica each.
	 * @return the formed cluster; close it to kill all nodes
	 * @see #start(int, int, String...)
	 */
	public static RedisCluster start() {
		return start(3, 1);
	}

	/**
	 * Starts {@code masters * (1 + replicasPerMaster)} nodes, forms them into a cluster and returns once it is
	 * settled. Failover needs a majority of masters to vote, so tests that kill a master need at least 3.
	 * @param masters how many masters share the slots, at least 1
	 * @param replicasPerMaster how many replicas each master gets, at least 0
	 * @param extraArgs redis options for every node; they come after the cluster options and therefore override them
	 * @return the formed cluster; close it to kill all nodes
	 * @throws IllegalStateException if a node does not start or the cluster is not settled within 30 seconds; the
	 * message lists every node's state
	 */
	public static RedisCluster start(int masters, int replicasPerMaster, String... extraArgs) {
		if (masters < 1 || replicasPerMaster < 0) {
			throw new IllegalArgumentException(
					"Need at least 1 master and 0 replicas, got " + masters + " and " + replicasPerMaster);
		}
		long startNanos = System.nanoTime();
		List<RedisServer> started = new ArrayList<>();
		RedisCluster cluster = null;
		try {
			for (int i = 0; i < masters * (1 + replicasPerMaster); i++) {
				started.add(RedisServer.start(RedisCluster::freeNodePort, port -> nodeArgs(port, extraArgs)));
			}
			cluster = new RedisCluster(started);
			cluster.form(masters);
		}
		catch (RuntimeException ex) {
			if (cluster != null) {
				cluster.close();
			}
			else {
				started.forEach(RedisServer::close);
			}
			throw ex;
		}
		log.debug("Formed {} in {} ms", cluster, millisSince(startNanos));
		return cluster;
	}

	/** @return all nodes, dead or alive, masters of the initial layout first */
	public List<RedisServer> nodes() {
		return this.nodes;
	}

	/**
	 * The current masters, as a live node sees the cluster; failed masters are left out.
	 * @return the masters, in the order of {@link #nodes()}
	 */
	public List<RedisServer> masters() {
		List<NodeLine> view = clusterNodes(liveNode());
		return this.nodes.stream()
			.filter(node -> view.stream()
				.anyMatch(line -> line.id().equals(id(node)) && line.isMaster() && !line.hasFailed()))
			.toList();
	}

	/**
	 * The master serving a key, by asking a live node for the key's slot ({@code CLUSTER KEYSLOT}) and the slot's
	 * master ({@code CLUSTER SLOTS}, which Redis 6.2 has too, unlike {@code CLUSTER SHARDS}).
	 * @param key any key; only its hash tag counts if it has one
	 * @return the master the cluster routes the key to
	 */
	public RedisServer masterFor(String key) {
		RedisServer live = liveNode();
		long slot = (Long) live.command("CLUSTER", "KEYSLOT", key);
		for (Object range : (List<?>) live.command("CLUSTER", "SLOTS")) {
			List<?> fields = (List<?>) range;
			if ((Long) fields.get(0) <= slot && slot <= (Long) fields.get(1)) {
				return byPort(((Long) ((List<?>) fields.get(2)).get(1)).intValue());
			}
		}
		throw new IllegalStateException("No master serves slot " + slot + " of key " + key + "\n" + clusterNodesText());
	}

	/**
	 * A live replica of a master, as a live node sees the cluster.
	 * @param master one of {@link #nodes()}; it may be dead
	 * @return the first such replica in the order of {@link #nodes()}
	 * @throws IllegalStateException if the master has no replica that has not failed
	 */
	public RedisServer replicaOf(RedisServer master) {
		String masterId = id(master);
		List<NodeLine> view = clusterNodes(liveNode());
		return this.nodes.stream()
			.filter(node -> view.stream()
				.anyMatch(line -> line.id().equals(id(node)) && line.isReplica() && line.masterId().equals(masterId)
						&& !line.hasFailed()))
			.findFirst()
			.orElseThrow(() -> new IllegalStateException(master + " has no live replica\n" + clusterNodesText()));
	}

	/**
	 * {@code CLUSTER NODES} as a live node sees it, for debugging and failure messages.
	 * @return one line per node: id, address, flags, master, ..., slots
	 */
	public String clusterNodesText() {
		return (String) liveNode().command("CLUSTER", "NODES");
	}

	/**
	 * Runs a command on a live node, for cluster-wide commands such as {@code CLUSTER INFO} or
	 * {@code CLUSTER KEYSLOT}. A command on a key served by another node is answered with a {@code MOVED} error; use
	 * {@link #masterFor(String)} and {@link RedisServer#command} for those.
	 * @param args the command and its arguments
	 * @return the decoded reply, as with {@link RedisServer#command}
	 */
	public Object command(String... args) {
		return liveNode().command(args);
	}

	/**
	 * Creates a started connection factory for the cluster, seeded with every node's address, with a 5 second command
	 * timeout and the client options of the core's {@code ClusterFailover} (this module does not depend on the core):
	 * the topology is refreshed every second and on redirects and reconnects, and nodes the cluster marks as failing
	 * leave it, so that what was queued for a dead master goes to the promoted replica instead of timing out. The
	 * cluster destroys the factory on {@link #close()}; destroying it earlier is fine.
	 * @return a new factory, not shared with other callers
	 */
	public LettuceConnectionFactory connectionFactory() {
		ensureOpen();
		RedisClusterConfiguration cluster = new RedisClusterConfiguration(
				this.nodes.stream().map(node -> node.host() + ":" + node.port()).toList());
		ClusterTopologyRefreshOptions refresh = ClusterTopologyRefreshOptions.builder()
			.enablePeriodicRefresh(Duration.ofSeconds(1))
			.enableAllAdaptiveRefreshTriggers()
			// The default lets adaptive refreshes run only every 30 s, far longer than a test waits.
			.adaptiveRefreshTriggersTimeout(Duration.ofSeconds(1))
			.build();
		LettuceClientConfiguration client = LettuceClientConfiguration.builder()
			.clientOptions(ClusterClientOptions.builder().topologyRefreshOptions(refresh)
				// Nodes marked as failing leave the topology, so what was queued for a dead master is routed again.
				.nodeFilter((node) -> !node.is(NodeFlag.FAIL) && !node.is(NodeFlag.EVENTUAL_FAIL)
						&& !node.is(NodeFlag.NOADDR))
				.build())
			.commandTimeout(Duration.ofSeconds(5))
			.shutdownTimeout(Duration.ZERO)
			.build();
		LettuceConnectionFactory factory = new LettuceConnectionFactory(cluster, client);
		factory.afterPropertiesSet();
		factory.start();
		this.factories.add(factory);
		return factory;
	}

	/**
	 * Kills ({@code SIGKILL}) the master serving a key and waits until one of its replicas has taken over its slots
	 * and the surviving nodes report the cluster as ok again, which takes about 2 to 3 seconds.
	 * @param key any key; only its hash tag counts if it has one
	 * @return the killed node, to {@link #restart} it later
	 * @throws IllegalStateException if the master has no live replica, or the cluster is not settled within 15
	 * seconds
	 */
	public synchronized RedisServer killMasterFor(String key) {
		ensureOpen();
		RedisServer master = masterFor(key);
		// Checked first: without a replica the wait below could only time out.
		replicaOf(master);
		long startNanos = System.nanoTime();
		master.kill();
		awaitState(FAILOVER_TIMEOUT, "a replica to take over from killed " + master, this::whyNotSettled);
		log.debug("Replica took over from killed {} after {} ms", master, millisSince(startNanos));
		return master;
	}

	/**
	 * Starts a killed node again with its data and cluster config, and waits until it has rejoined: a former master
	 * whose slots a replica took over comes back as that replica's replica and resyncs from it. Takes well under a
	 * second.
	 * @param node one of {@link #nodes()}; a running node is killed first
	 * @throws IllegalStateException if the cluster is not settled within 30 seconds
	 */
	public synchronized void restart(RedisServer node) {
		ensureOpen();
		id(node);
		long startNanos = System.nanoTime();
		node.restart();
		awaitState(REJOIN_TIMEOUT, node + " to rejoin", this::whyNotSettled);
		log.debug("{} rejoined after {} ms", node, millisSince(startNanos));
	}

	/**
	 * Makes a replica take over from its master with a manual, graceful {@code CLUSTER FAILOVER}: the master stops
	 * taking writes until the replica has caught up, so nothing is lost. Waits until the replica is master and the
	 * old master its replica.
	 * @param replica a live replica
	 * @throws IllegalStateException if the cluster is not settled with the replica as master within 15 seconds
	 */
	public synchronized void failover(RedisServer replica) {
		ensureOpen();
		String id = id(replica);
		replica.command("CLUSTER", "FAILOVER");
		awaitState(FAILOVER_TIMEOUT, replica + " to become master", () -> {
			NodeLine self = line(clusterNodes(replica), id);
			return (self == null || !self.isMaster()) ? replica + " is not master yet" : whyNotSettled();
		});
	}

	/** Destroys the connection factories and closes every node, which kills it and deletes its data. Idempotent. */
	@Override
	public synchronized void close() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		this.factories.forEach(RedisCluster::destroyQuietly);
		this.factories.clear();
		this.nodes.forEach(RedisServer::close);
	}

	@Override
	public String toString() {
		return "RedisCluster" + this.nodes.stream().map(node -> Integer.toString(node.port())).toList();
	}

	private void form(int masters) {
		List<RedisServer> masterNodes = this.nodes.subList(0, masters);
		List<RedisServer> replicas = this.nodes.subList(masters, this.nodes.size());
		for (RedisServer node : this.nodes) {
			this.ids.put(node, (String) node.command("CLUSTER", "MYID"));
		}
		long deadline = System.nanoTime() + FORM_TIMEOUT.toNanos();
		setDistinctConfigEpochs();
		assignSlots(masterNodes);
		meet();
		awaitState(remaining(deadline), "all nodes to know each other", this::whyNotAllKnown);
		replicate(masterNodes, replicas);
		awaitState(remaining(deadline), "the cluster to form", this::whyNotSettled);
	}

	// As redis-cli does: distinct epochs up front spare the nodes resolving a collision of all-zero epochs first.
	// Redis only accepts this before a node has met others.
	private void setDistinctConfigEpochs() {
		for (int i = 0; i < this.nodes.size(); i++) {
			this.nodes.get(i).command("CLUSTER", "SET-CONFIG-EPOCH", Integer.toString(i + 1));
		}
	}

	private static void assignSlots(List<RedisServer> masters) {
		for (int i = 0; i < masters.size(); i++) {
			int first = i * SLOTS / masters.size();
			int last = (i + 1) * SLOTS / masters.size() - 1;
			addSlots(masters.get(i), first, last);
		}
	}

	private static void addSlots(RedisServer master, int first, int last) {
		if (RedisServer.majorVersion(info(master, "server", "redis_version")) >= 7) {
			master.command("CLUSTER", "ADDSLOTSRANGE", Integer.toString(first), Integer.toString(last));
			return;
		}
		// Redis 6.2 has only ADDSLOTS, which takes every slot as an argument of its own.
		for (int from = first; from <= last; from += ADDSLOTS_CHUNK) {
			List<String> args = new ArrayList<>(List.of("CLUSTER", "ADDSLOTS"));
			for (int slot = from; slot <= Math.min(last, from + ADDSLOTS_CHUNK - 1); slot++) {
				args.add(Integer.toString(slot));
			}
			master.command(args.toArray(String[]::new));
		}
	}

	// Meeting one node is enough: gossip then introduces everyone to everyone.
	private void meet() {
		RedisServer first = this.nodes.get(0);
		for (RedisServer node : this.nodes.subList(1, this.nodes.size())) {
			node.command("CLUSTER", "MEET", first.host(), Integer.toString(first.port()));
		}
	}

	// Round robin, so that with several replicas per master each master still gets the same number.
	private void replicate(List<RedisServer> masters, List<RedisServer> replicas) {
		for (int i = 0; i < replicas.size(); i++) {
			replicas.get(i).command("CLUSTER", "REPLICATE", id(masters.get(i % masters.size())));
		}
	}

	private String whyNotAllKnown() {
		for (RedisServer node : this.nodes) {
			List<NodeLine> view = clusterNodes(node);
			if (view.size() != this.nodes.size()) {
				return node + " knows " + view.size() + " of " + this.nodes.size() + " nodes";
			}
			for (NodeLine line : view) {
				if (server(line.id()) == null || line.hasFailed()) {
					return node + " sees " + line;
				}
			}
		}
		return null;
	}

	/**
	 * Why the cluster is not settled yet, or {@code null} once it is: every live node says the cluster is ok, knows
	 * all nodes, sees live nodes healthy and dead ones failed and without slots, agrees with the other live nodes on
	 * roles, masters and slots, and, if it is a replica, is linked to its master.
	 */
	private String whyNotSettled() {
		List<RedisServer> live = this.nodes.stream().filter(RedisServer::isRunning).toList();
		if (live.isEmpty()) {
			return "no node is running";
		}
		Map<String, String> agreed = null;
		for (RedisServer node : live) {
			String state = clusterInfo(node, "cluster_state");
			if (!"ok".equals(state)) {
				return node + " has cluster_state:" + state;
			}
			List<NodeLine> view = clusterNodes(node);
			if (view.size() != this.nodes.size()) {
				return node + " knows " + view.size() + " of " + this.nodes.size() + " nodes";
			}
			Map<String, String> topology = new LinkedHashMap<>();
			for (NodeLine line : view) {
				RedisServer server = server(line.id());
				if (server == null) {
					return node + " sees an unknown node " + line;
				}
				if (!server.isRunning() && (!line.hasFailed() || !line.slots().isEmpty())) {
					return node + " does not yet see dead " + server + " as failed and without slots: " + line;
				}
				if (server.isRunning()) {
					if (line.hasFailed()) {
						return node + " sees live " + server + " as " + line;
					}
					topology.put(line.id(), line.topology());
				}
			}
			if (agreed == null) {
				agreed = topology;
			}
			else if (!agreed.equals(topology)) {
				return node + " sees " + topology + " but " + live.get(0) + " sees " + agreed;
			}
			String role = (String) ((List<?>) node.command("ROLE")).get(0);
			NodeLine self = line(view, id(node));
			if (!role.equals(self.isMaster() ? "master" : "slave")) {
				return node + " has ROLE " + role + " but its cluster view says " + self;
			}
			if (self.isReplica() && !"up".equals(info(node, "replication", "master_link_status"))) {
				return node + " has master_link_status:" + info(node, "replication", "master_link_status");
			}
		}
		return null;
	}

	/**
	 * Polls until {@code problem} answers {@code null}. Nodes may refuse or drop connections while they change roles,
	 * so errors count as "not yet" too.
	 */
	private void awaitState(Duration timeout, String what, Supplier<String> problem) {
		long deadline = System.nanoTime() + timeout.toNanos();
		String last;
		while (true) {
			try {
				last = problem.get();
				if (last == null) {
					return;
				}
			}
			catch (RuntimeException ex) {
				last = ex.toString();
			}
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("Timed out after " + timeout.toMillis() + " ms waiting for " + what
						+ ": " + last + "\n" + describeNodes());
			}
			sleep(POLL_INTERVAL);
		}
	}

	// Each node's own account, gathered defensively since this runs when something already went wrong.
	private String describeNodes() {
		StringBuilder description = new StringBuilder("Nodes:");
		for (RedisServer node : this.nodes) {
			description.append("\n  ").append(node).append(" id ").append(this.ids.get(node)).append(": ");
			if (!node.isRunning() || node.isSuspended()) {
				description.append(node.isRunning() ? "suspended" : "not running");
				continue;
			}
			try {
				description.append("role ")
					.append(((List<?>) node.command("ROLE")).get(0))
					.append(", cluster_state:")
					.append(clusterInfo(node, "cluster_state"))
					.append(", cluster_known_nodes:")
					.append(clusterInfo(node, "cluster_known_nodes"))
					.append(", master_link_status:")
					.append(info(node, "replication", "master_link_status"))
					.append("\n    ")
					.append(((String) node.command("CLUSTER", "NODES")).strip().replace("\n", "\n    "));
			}
			catch (RuntimeException ex) {
				description.append(ex);
			}
		}
		return description.toString();
	}

	private RedisServer liveNode() {
		ensureOpen();
		return this.nodes.stream()
			.filter(node -> node.isRunning() && !node.isSuspended())
			.findFirst()
			.orElseThrow(() -> new IllegalStateException("No node of " + this + " is running"));
	}

	private String id(RedisServer node) {
		String id = this.ids.get(node);
		if (id == null) {
			throw new IllegalArgumentException(node + " is not a node of " + this);
		}
		return id;
	}

	private RedisServer server(String id) {
		return this.ids.entrySet()
			.stream()
			.filter(entry -> entry.getValue().equals(id))
			.map(Map.Entry::getKey)
			.findFirst()
			.orElse(null);
	}

	private RedisServer byPort(int port) {
		return this.nodes.stream()
			.filter(node -> node.port() == port)
			.findFirst()
			.orElseThrow(() -> new IllegalStateException("No node of " + this + " listens on port " + port));
	}

	private void ensureOpen() {
		if (this.closed) {
			throw new IllegalStateException(this + " is closed");
		}
	}

	private static String[] nodeArgs(int port, String... extraArgs) {
		List<String> args = new ArrayList<>(List.of("--cluster-enabled", "yes", "--cluster-config-file",
				"nodes-" + port + ".conf", "--cluster-node-timeout", "1000", "--appendonly", "yes",
				// Redis 7 syncs replicas diskless by default and first waits 5 s for more replicas to share the
				// transfer, which would hold up every start and rejoin; nobody else is coming here.
				"--repl-diskless-sync-delay", "0"));
		args.addAll(Arrays.asList(extraArgs));
		return args.toArray(String[]::new);
	}

	private static int freeNodePort() {
		for (int probe = 0; probe < PORT_PROBES; probe++) {
			int port = ThreadLocalRandom.current().nextInt(MIN_PORT, MAX_PORT + 1);
			if (isFree(port) && isFree(port + BUS_PORT_OFFSET)) {
				return port;
			}
		}
		throw new IllegalStateException("No free port pair (port, port + " + BUS_PORT_OFFSET + ") between " + MIN_PORT
				+ " and " + MAX_PORT);
	}

	private static boolean isFree(int port) {
		try (ServerSocket socket = new ServerSocket()) {
			socket.bind(new InetSocketAddress("127.0.0.1", port), 1);
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	private static List<NodeLine> clusterNodes(RedisServer node) {
		return ((String) node.command("CLUSTER", "NODES")).lines()
			.filter(line -> !line.isBlank())
			.map(NodeLine::parse)
			.toList();
	}

	private static NodeLine line(List<NodeLine> view, String id) {
		return view.stream().filter(line -> line.id().equals(id)).findFirst().orElse(null);
	}

	private static String clusterInfo(RedisServer node, String field) {
		return infoField((String) node.command("CLUSTER", "INFO"), field);
	}

	private static String info(RedisServer node, String section, String field) {
		return infoField((String) node.command("INFO", section), field);
	}

	private static String infoField(String info, String field) {
		return info.lines()
			.filter(line -> line.startsWith(field + ":"))
			.map(line -> line.substring(field.length() + 1).strip())
			.findFirst()
			.orElse(null);
	}

	private static Duration remaining(long deadlineNanos) {
		return Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime()));
	}

	private static long millisSince(long startNanos) {
		return Duration.ofNanos(System.nanoTime() - startNanos).toMillis();
	}

	private static void sleep(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted", ex);
		}
	}

	private static void destroyQuietly(LettuceConnectionFactory factory) {
		try {
			factory.destroy();
		}
		catch (RuntimeException ex) {
			log.warn("Could not destroy {}", factory, ex);
		}
	}

	/**
	 * One line of {@code CLUSTER NODES}:
	 * {@code <id> <ip:port@cport> <flags> <master-id|-> <ping-sent> <pong-recv> <config-epoch> <link-state> <slot>...}.
	 */
	private record NodeLine(String id, Set<String> flags, String masterId, List<String> slots) {

		static NodeLine parse(String line) {
			String[] fields = line.strip().split(" ");
			// Slot entries in brackets are migrations in progress, not owned slots.
			List<String> slots = Arrays.stream(fields)
				.skip(8)
				.filter(field -> !field.startsWith("["))
				.toList();
			return new NodeLine(fields[0], Set.of(fields[2].split(",")), fields[3], slots);
		}

		boolean isMaster() {
			return this.flags.contains("master");
		}

		boolean isReplica() {
			return this.flags.contains("slave");
		}

		boolean hasFailed() {
			return this.flags.stream().anyMatch(FAILURE_FLAGS::contains);
		}

		/** What all nodes must agree on: role, master and slots, but not timings, epochs or who is "myself". */
		String topology() {
			return (isMaster() ? "master " + this.slots : "replica of " + this.masterId);
		}

		@Override
		public String toString() {
			return this.id + " " + this.flags.stream().sorted().collect(Collectors.joining(",")) + " "
					+ this.masterId + " " + this.slots;
		}

	}

}
