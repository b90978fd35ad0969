package dev.portico.cluster;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.data.redis.core.StringRedisTemplate;

import dev.portico.api.ApiProblems;
import dev.portico.cluster.ClusterMessage.Reply;
import dev.portico.cluster.ClusterMessage.Request;
import dev.portico.cluster.ClusterMessaging.Answers;
import dev.portico.listener.InvalidDefinitionException;
import dev.portico.listener.ListenerDefinition;
import dev.portico.listener.ListenerOutcome;
import dev.portico.listener.ListenerOutcome.Result;
import dev.portico.listener.ListenerRegistry;

/**
 * Listeners defined for the whole cluster. Their definitions and wanted state (running or
 * stopped) live in the Redis hash {@code listeners} under the key prefix; every replica
 * applies them through its own {@link ListenerRegistry} when told over pub/sub, and again
 * whenever it joins or rejoins the cluster, so a replica that starts later gets them too.
 * A replica only ever deletes listeners that it created for the cluster; one with the
 * same name defined locally is left alone and reported.
 */
final class ClusterListeners {

	static final String LIFECYCLE = "lifecycle";

	private final ClusterMessaging messaging;

	private final ListenerRegistry registry;

	private final StringRedisTemplate redis;

	private final RedisLink link;

	private final ClusterErrors errors;

	private final JsonMapper json;

	private final ClusterMeters meters;

	private final String key;

	/** Listeners this replica created for the cluster. */
	private final Set<String> managed = new HashSet<>();

	ClusterListeners(ClusterProperties properties, ClusterMessaging messaging, ListenerRegistry registry,
			StringRedisTemplate redis, RedisLink link, ClusterErrors errors, JsonMapper json, ClusterMeters meters) {
		this.messaging = messaging;
		this.registry = registry;
		this.redis = redis;
		this.link = link;
		this.errors = errors;
		this.json = json;
		this.meters = meters;
		this.key = properties.keyPrefix() + "listeners";
		messaging.handle(LIFECYCLE, this::onLifecycle);
	}

	/**
	 * Define a listener on every replica; 400 when invalid, 409 when the name is taken.
	 */
	Map<String, Object> create(ClusterListenerRequest request) {
		if (request == null || request.name() == null) {
			throw ApiProblems.badRequest("Send {\"name\": ..., \"type\": ..., \"port\": ...} as for /api/listeners");
		}
		Map<String, Object> keys = keys(request);
		ListenerDefinition definition;
		try {
			definition = this.registry.definitions().fromRequest(request.name(), keys);
		}
		catch (InvalidDefinitionException ex) {
			throw ApiProblems.badRequest(ex.getMessage());
		}
		Stored stored = new Stored(request.name(), keys, definition.autostart());
		Boolean added = this.link.call("cluster-wide listener changes", () -> this.redis.opsForHash()
			.putIfAbsent(this.key, request.name(), this.json.writeValueAsString(stored)));
		if (!Boolean.TRUE.equals(added)) {
			throw ApiProblems.conflict("A cluster-wide listener named '" + request.name()
					+ "' exists: GET /api/cluster/listeners lists them; delete it first or choose another name");
		}
		return apply(request.name(), stored);
	}

	/** Start or stop a cluster-wide listener on every replica. */
	Map<String, Object> setRunning(String name, boolean running) {
		Stored stored = stored(name);
		Stored changed = new Stored(stored.name(), stored.keys(), running);
		this.link.call("cluster-wide listener changes", () -> {
			this.redis.opsForHash().put(this.key, name, this.json.writeValueAsString(changed));
			return changed;
		});
		return apply(name, changed);
	}

	/** Delete a cluster-wide listener on every replica. */
	Map<String, Object> delete(String name) {
		stored(name);
		this.link.call("cluster-wide listener changes", () -> this.redis.opsForHash().delete(this.key, name));
		return apply(name, null);
	}

	/** Names of the cluster-wide listeners. */
	Set<String> names() {
		return this.link.call("reading cluster-wide listeners", () -> this.redis.opsForHash().keys(this.key))
			.stream()
			.map(String::valueOf)
			.collect(Collectors.toCollection(TreeSet::new));
	}

	/** Apply every definition in Redis here: when this replica joins or rejoins. */
	void reconcileAll() {
		Map<Object, Object> all = this.redis.opsForHash().entries(this.key);
		Set<String> seen = new HashSet<>();
		for (Map.Entry<Object, Object> entry : all.entrySet()) {
			String name = String.valueOf(entry.getKey());
			Stored stored = parse(String.valueOf(entry.getValue()));
			if (stored != null && name.equals(stored.name())) {
				seen.add(name);
				applyHere(name, stored);
			}
			else {
				this.errors.ignored("key " + this.key, "field '" + name + "' holds no listener definition");
			}
		}
		for (String name : snapshotManaged()) {
			if (!seen.contains(name)) {
				applyHere(name, null);
			}
		}
	}

	private Map<String, Object> apply(String name, Stored stored) {
		this.meters.forwarded(LIFECYCLE).increment();
		String definition = (stored != null) ? this.json.writeValueAsString(stored) : null;
		Answers answers = this.messaging.askAll("cluster-wide listener changes",
				this.messaging.request(LIFECYCLE, name, null, null, definition), (reply) -> false,
				ClusterMessaging.REPLY_TIMEOUT.multipliedBy(2));
		List<Map<String, Object>> instances = new ArrayList<>();
		for (Reply reply : answers.replies()) {
			Map<String, Object> outcome = new LinkedHashMap<>();
			outcome.put("instance", reply.from());
			outcome.put("result", reply.result());
			outcome.put("detail", reply.detail());
			if (reply.body() != null) {
				outcome.put("listener", this.json.readTree(reply.body()));
			}
			instances.add(outcome);
		}
		instances.sort(Comparator.comparing((outcome) -> String.valueOf(outcome.get("instance"))));
		Map<String, Object> answer = new LinkedHashMap<>();
		answer.put("name", name);
		answer.put("running", (stored != null) ? stored.running() : null);
		answer.put("instances", instances);
		answer.put("unanswered", answers.expected() - answers.replies().size());
		return answer;
	}

	private Reply onLifecycle(Request request) {
		Stored stored = (request.definition() != null) ? parse(request.definition()) : null;
		if (request.definition() != null && stored == null) {
			return this.messaging.reply(request, "INVALID", 0, 0, "unreadable definition", null);
		}
		ListenerOutcome outcome = applyHere(request.listener(), stored);
		String body = (outcome.listener() != null) ? this.json.writeValueAsString(outcome.listener().status()) : null;
		return this.messaging.reply(request, outcome.result().name(), 0, 0, outcome.detail(), body);
	}

	/** Make this replica match one definition (null: the listener was deleted). */
	private ListenerOutcome applyHere(String name, Stored stored) {
		synchronized (this.managed) {
			boolean ours = this.managed.contains(name);
			if (stored == null) {
				if (!ours) {
					return new ListenerOutcome(Result.NOT_FOUND, null,
							"No cluster-wide listener named '" + name + "' on this instance");
				}
				this.managed.remove(name);
				return this.registry.delete(name);
			}
			if (this.registry.get(name).isPresent() && !ours) {
				return new ListenerOutcome(Result.NAME_TAKEN, this.registry.get(name).get(),
						"This instance has a listener named '" + name + "' of its own; it is left as it is");
			}
			if (!ours) {
				ListenerOutcome created = this.registry.create(name, stored.keys());
				if (created.result() != Result.CREATED) {
					return created;
				}
				this.managed.add(name);
			}
			ListenerOutcome outcome = stored.running() ? this.registry.start(name) : this.registry.stop(name);
			return outcome;
		}
	}

	private Set<String> snapshotManaged() {
		synchronized (this.managed) {
			return new HashSet<>(this.managed);
		}
	}

	private Stored stored(String name) {
		Object raw = this.link.call("reading cluster-wide listeners",
				() -> this.redis.opsForHash().get(this.key, name));
		Stored stored = (raw != null) ? parse(raw.toString()) : null;
		if (stored == null) {
			throw ApiProblems
				.notFound("No cluster-wide listener named '" + name + "': GET /api/cluster/listeners lists them");
		}
		return stored;
	}

	private Stored parse(String text) {
		try {
			Stored stored = this.json.readValue(text, Stored.class);
			if (stored == null || stored.name() == null || stored.keys() == null) {
				throw new IllegalArgumentException("incomplete");
			}
			return stored;
		}
		catch (JacksonException | IllegalArgumentException ex) {
			this.errors.ignored("key " + this.key, "not a listener definition");
			return null;
		}
	}

	private static Map<String, Object> keys(ClusterListenerRequest request) {
		Map<String, Object> keys = new LinkedHashMap<>();
		if (request.options() != null) {
			request.options().forEach((name, value) -> {
				if (Set.of("type", "port", "bind", "name").contains(name)) {
					throw ApiProblems
						.badRequest("Unknown option '" + name + "': give " + name + " beside options, not inside them");
				}
				keys.put(name, value);
			});
		}
		keys.put("type", request.type());
		keys.put("port", request.port());
		keys.put("bind", request.bind());
		keys.values().removeIf(Objects::isNull);
		return keys;
	}

	/**
	 * A cluster-wide listener as Redis holds it.
	 *
	 * @param name its name
	 * @param keys its definition's keys, as in a {@code POST /api/listeners}
	 * @param running whether it should run
	 */
	record Stored(String name, Map<String, Object> keys, boolean running) {
	}

}
