package dev.portico.cluster;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.SmartLifecycle;
import org.springframework.core.env.Environment;
import org.springframework.data.redis.core.StringRedisTemplate;

import dev.portico.listener.Listener;
import dev.portico.listener.ListenerRegistry;
import dev.portico.listener.ListenerStatus;

/**
 * This replica's membership: it registers itself in Redis and renews the registration
 * every heartbeat (a key that expires after three heartbeats, so a replica that is killed
 * or cut off leaves the view by itself, and one that stops cleanly deletes it at once).
 * Each successful heartbeat after a failure is a rejoin: the index is synced (restored if
 * Redis came back empty) and the cluster-wide listeners applied. Everything runs on one
 * scheduler thread; start-up never waits on Redis.
 */
final class ClusterNode implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(ClusterNode.class);

	private final ClusterProperties properties;

	private final StringRedisTemplate redis;

	private final RedisLink link;

	private final ClusterErrors errors;

	private final JsonMapper json;

	private final ScheduledExecutorService scheduler;

	private final ListenerRegistry registry;

	private final ClusterMessaging messaging;

	private final ClusterIndex index;

	private final ClusterListeners listeners;

	private final Environment environment;

	private final Instant startedAt = Instant.now();

	private final String recordKey;

	private final String setKey;

	private volatile boolean running;

	private volatile boolean joined;

	private volatile int liveInstances;

	private volatile ScheduledFuture<?> beating;

	ClusterNode(ClusterProperties properties, StringRedisTemplate redis, RedisLink link, ClusterErrors errors,
			JsonMapper json, ScheduledExecutorService scheduler, ListenerRegistry registry, ClusterMessaging messaging,
			ClusterIndex index, ClusterListeners listeners, Environment environment) {
		this.properties = properties;
		this.redis = redis;
		this.link = link;
		this.errors = errors;
		this.json = json;
		this.scheduler = scheduler;
		this.registry = registry;
		this.messaging = messaging;
		this.index = index;
		this.listeners = listeners;
		this.environment = environment;
		this.recordKey = properties.keyPrefix() + "instance:" + properties.instanceId();
		this.setKey = properties.keyPrefix() + "instances";
	}

	@Override
	public void start() {
		this.running = true;
		this.messaging.start();
		long period = this.properties.heartbeat().toMillis();
		this.beating = this.scheduler.scheduleWithFixedDelay(this::heartbeat, 0, period, TimeUnit.MILLISECONDS);
		logger.info("Cluster mode: instance '" + this.properties.instanceId() + "', Redis at " + this.link.address()
				+ ", key prefix '" + this.properties.keyPrefix() + "', heartbeat " + period + " ms");
	}

	@Override
	public void stop() {
		this.running = false;
		ScheduledFuture<?> current = this.beating;
		if (current != null) {
			current.cancel(false);
		}
		// leave at once: the other replicas need not wait for the key to expire
		try {
			this.scheduler.submit(() -> {
				this.redis.delete(this.recordKey);
				this.redis.opsForSet().remove(this.setKey, this.properties.instanceId());
			}).get(2, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			logger.debug("Cluster mode: could not deregister from Redis", ex);
		}
		this.messaging.stop();
		this.joined = false;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		// after the listener registry has started (its phase is DEFAULT_PHASE - 512), and
		// stopped before it: leave the cluster before the listeners drain
		return SmartLifecycle.DEFAULT_PHASE - 256;
	}

	/** Whether this replica has joined the cluster and Redis answers now. */
	boolean isJoined() {
		return this.joined && this.link.isUp();
	}

	int liveInstances() {
		return this.liveInstances;
	}

	/** One heartbeat: register, then on a (re)join sync the index and listeners. */
	void heartbeat() {
		if (!this.running) {
			return;
		}
		try {
			String record = this.json.writeValueAsString(record());
			this.redis.opsForValue().set(this.recordKey, record, this.properties.expiry());
			this.redis.opsForSet().add(this.setKey, this.properties.instanceId());
			this.link.succeeded();
			if (!this.joined) {
				this.index.sync();
				this.listeners.reconcileAll();
				this.joined = true;
				logger.info("Cluster mode: instance '" + this.properties.instanceId() + "' joined the cluster (index "
						+ "version " + this.index.version() + ", " + this.index.copy().size() + " entries)");
			}
			else {
				this.index.check();
			}
			this.liveInstances = instances().size();
		}
		catch (RuntimeException ex) {
			this.link.failed(ex);
			this.joined = false;
		}
	}

	/**
	 * Every live replica's record, by id; records that expired are dropped from the set.
	 */
	List<JsonNode> instances() {
		List<String> ids = new ArrayList<>(this.redis.opsForSet().members(this.setKey));
		ids.sort(Comparator.naturalOrder());
		if (ids.isEmpty()) {
			return List.of();
		}
		List<String> records = this.redis.opsForValue()
			.multiGet(ids.stream().map((id) -> this.properties.keyPrefix() + "instance:" + id).toList());
		List<JsonNode> live = new ArrayList<>();
		for (int i = 0; i < ids.size(); i++) {
			String record = (records != null) ? records.get(i) : null;
			if (record == null) {
				this.redis.opsForSet().remove(this.setKey, ids.get(i));
				continue;
			}
			try {
				JsonNode node = this.json.readTree(record);
				if (node != null && node.isObject() && ids.get(i).equals(node.path("id").asString(null))) {
					live.add(node);
					continue;
				}
			}
			catch (JacksonException ex) {
				// counted below
			}
			this.errors.ignored("key " + this.properties.keyPrefix() + "instance:*", "not an instance record");
		}
		return live;
	}

	private Map<String, Object> record() {
		Map<String, Object> record = new LinkedHashMap<>();
		record.put("id", this.properties.instanceId());
		record.put("address", address());
		record.put("startedAt", this.startedAt.toString());
		record.put("lastSeen", Instant.now().toString());
		List<ListenerStatus> statuses = this.registry.list().stream().map(Listener::status).toList();
		record.put("listeners", statuses);
		return record;
	}

	/** Where this replica's API answers: its address and HTTP port. */
	private String address() {
		String host = this.environment.getProperty("server.address");
		if (host == null || host.isBlank() || "0.0.0.0".equals(host)) {
			try {
				host = InetAddress.getLocalHost().getHostAddress();
			}
			catch (UnknownHostException ex) {
				host = "127.0.0.1";
			}
		}
		String port = this.environment.getProperty("local.server.port",
				this.environment.getProperty("server.port", "8080"));
		return host + ":" + port;
	}

}
