package dev.portico.cluster;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.portico.api.ApiProblems;
import dev.portico.cluster.ClusterMessage.Reply;
import dev.portico.cluster.ClusterMessage.Request;
import dev.portico.cluster.ClusterMessaging.Answers;
import dev.portico.listener.Listener;
import dev.portico.listener.ListenerRegistry;
import dev.portico.listener.ListenerState;
import dev.portico.listener.ListenerStatus;

/**
 * The cluster over REST: every live replica ({@code GET /api/cluster}), every listener's
 * figures summed over the replicas ({@code GET /api/cluster/listeners}), and listeners
 * defined for the whole cluster (create, start, stop, delete on every replica, including
 * replicas that join later). {@code /api/listeners} stays local to the replica that
 * answers. Only in cluster mode.
 */
@RestController
@ConditionalOnBooleanProperty(ClusterEnvironmentPostProcessor.ENABLED)
@RequestMapping(path = "/api/cluster", produces = MediaType.APPLICATION_JSON_VALUE)
class ClusterController {

	static final String STATUS = "status";

	private final ClusterNode node;

	private final ClusterMessaging messaging;

	private final ClusterListeners listeners;

	private final RedisLink link;

	private final JsonMapper json;

	ClusterController(ClusterNode node, ClusterMessaging messaging, ClusterListeners listeners, RedisLink link,
			ListenerRegistry registry, JsonMapper jsonMapper) {
		this.node = node;
		this.messaging = messaging;
		this.listeners = listeners;
		this.link = link;
		this.json = jsonMapper;
		messaging.handle(STATUS, (request) -> messaging.reply(request, "OK", 0, 0, null,
				jsonMapper.writeValueAsString(registry.list().stream().map(Listener::status).toList())));
	}

	/** Every live replica: id, address, start, last heartbeat and listeners. */
	@GetMapping
	Map<String, Object> instances() {
		List<JsonNode> instances = this.link.call("reading the cluster view", this.node::instances);
		return Map.of("instances", instances);
	}

	/**
	 * Each listener's figures summed over the replicas that have it, and each replica's
	 * own, asked of every live replica now.
	 */
	@GetMapping("/listeners")
	Map<String, Object> listeners() {
		Request request = this.messaging.request(STATUS, null, null, null, null);
		Answers answers = this.messaging.askAll("the cluster's listener figures", request, (reply) -> false,
				ClusterMessaging.REPLY_TIMEOUT);
		Map<String, List<Map<String, Object>>> byName = new TreeMap<>();
		Map<String, Totals> totals = new TreeMap<>();
		List<String> instances = new ArrayList<>();
		for (Reply reply : answers.replies()) {
			instances.add(reply.from());
			ListenerStatus[] statuses = this.json.readValue(reply.body(), ListenerStatus[].class);
			for (ListenerStatus status : statuses) {
				Map<String, Object> entry = new LinkedHashMap<>();
				entry.put("instance", reply.from());
				entry.put("status", status);
				byName.computeIfAbsent(status.name(), (name) -> new ArrayList<>()).add(entry);
				totals.computeIfAbsent(status.name(), (name) -> new Totals(status.type())).add(status);
			}
		}
		instances.sort(null);
		List<Map<String, Object>> result = new ArrayList<>();
		totals.forEach((name, total) -> {
			Map<String, Object> listener = new LinkedHashMap<>();
			listener.put("name", name);
			listener.put("type", total.type);
			listener.put("instances", total.instances);
			listener.put("running", total.running);
			listener.put("connections",
					Map.of("active", total.active, "accepted", total.accepted, "rejected", total.rejected));
			listener.put("bytes", Map.of("received", total.bytesIn, "sent", total.bytesOut));
			listener.put("messages", Map.of("received", total.messagesIn, "sent", total.messagesOut));
			listener.put("queue", Map.of("bytes", total.queuedBytes, "messages", total.queuedMessages));
			listener.put("errors", total.errors);
			listener.put("perInstance", byName.get(name));
			result.add(listener);
		});
		Map<String, Object> answer = new LinkedHashMap<>();
		answer.put("instances", instances);
		answer.put("unanswered", answers.expected() - answers.replies().size());
		answer.put("clusterWide", this.listeners.names());
		answer.put("listeners", result);
		return answer;
	}

	/** Create a listener on every replica, now and when one joins later. */
	@PostMapping(path = "/listeners", consumes = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<Map<String, Object>> create(@RequestBody ClusterListenerRequest request) {
		Map<String, Object> answer = this.listeners.create(request);
		return ResponseEntity.created(URI.create("/api/cluster/listeners/" + request.name())).body(answer);
	}

	@PostMapping("/listeners/{name}/start")
	Map<String, Object> start(@PathVariable String name) {
		return this.listeners.setRunning(name, true);
	}

	@PostMapping("/listeners/{name}/stop")
	Map<String, Object> stop(@PathVariable String name) {
		return this.listeners.setRunning(name, false);
	}

	@DeleteMapping("/listeners/{name}")
	Map<String, Object> delete(@PathVariable String name) {
		return this.listeners.delete(name);
	}

	/** One listener's figures summed over replicas. */
	private static final class Totals {

		private final String type;

		private int instances;

		private int running;

		private long active;

		private long accepted;

		private long rejected;

		private long bytesIn;

		private long bytesOut;

		private long messagesIn;

		private long messagesOut;

		private long queuedBytes;

		private long queuedMessages;

		private long errors;

		Totals(String type) {
			this.type = type;
		}

		void add(ListenerStatus status) {
			this.instances++;
			this.running += (status.state() == ListenerState.RUNNING) ? 1 : 0;
			this.active += status.connections().active();
			this.accepted += status.connections().accepted();
			this.rejected += status.connections().rejected();
			this.bytesIn += status.bytes().received();
			this.bytesOut += status.bytes().sent();
			this.messagesIn += status.messages().received();
			this.messagesOut += status.messages().sent();
			this.queuedBytes += status.queue().bytes();
			this.queuedMessages += status.queue().messages();
			this.errors += status.errors();
		}

	}

}
