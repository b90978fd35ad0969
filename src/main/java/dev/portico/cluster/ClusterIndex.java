package dev.portico.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.DefaultRedisScript;
import org.springframework.data.redis.core.script.RedisScript;

import dev.portico.search.SearchIndex;
import dev.portico.search.SearchIndexStore;

/**
 * The search index in Redis, with this replica's {@link SearchIndex} as its in-memory
 * copy: search requests read the copy and never wait on Redis.
 *
 * <p>
 * What Redis holds, under the key prefix: {@code index} (a hash, query to answer),
 * {@code index:version} (a number that every change raises by one) and
 * {@code index:restored} (the version an index was last seeded or restored at). Each
 * change is one Lua script, so it is atomic: it changes the hash, raises the version and
 * publishes the change, with its version, on the channel {@code index:changes}. Replicas
 * apply published changes in version order; one that sees a gap (it missed a message
 * while its subscription was down) reloads the whole index, and every heartbeat compares
 * versions as a safety net. A write answers only once this replica's copy has it.
 *
 * <p>
 * Seeding and restoring are one script as well: it writes this replica's copy only when
 * Redis holds no index (so concurrent first starts seed once, from the index file), or
 * when the index there is itself a restored one, unchanged since, and older than this
 * replica's copy (so when Redis comes back empty, the most recent copy wins and no edit
 * is lost).
 */
final class ClusterIndex implements SearchIndexStore {

	private static final Log logger = LogFactory.getLog(ClusterIndex.class);

	private static final Duration OWN_WRITE_WAIT = Duration.ofSeconds(1);

	private static final String CHECK = """
			local raw = redis.call('GET', KEYS[2])
			local v = raw and tonumber(raw)
			local t = redis.call('TYPE', KEYS[1]).ok
			local valid = v and (t == 'hash' or t == 'none')
			""";

	@SuppressWarnings("rawtypes")
	private static final RedisScript<List> PUT = new DefaultRedisScript<>(CHECK + """
			if not valid then return {-1, 0} end
			local old = redis.call('HGET', KEYS[1], ARGV[1])
			if old == ARGV[2] then return {0, v} end
			redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
			v = v + 1
			redis.call('SET', KEYS[2], v)
			redis.call('PUBLISH', KEYS[3], '{"v":' .. v .. ',' .. ARGV[3])
			if old then return {2, v} end
			return {1, v}
			""", List.class);

	@SuppressWarnings("rawtypes")
	private static final RedisScript<List> REMOVE = new DefaultRedisScript<>(CHECK + """
			if not valid then return {-1, 0} end
			if redis.call('HDEL', KEYS[1], ARGV[1]) == 0 then return {0, v} end
			v = v + 1
			redis.call('SET', KEYS[2], v)
			redis.call('PUBLISH', KEYS[3], '{"v":' .. v .. ',' .. ARGV[2])
			return {1, v}
			""", List.class);

	@SuppressWarnings("rawtypes")
	private static final RedisScript<List> READ = new DefaultRedisScript<>(CHECK + """
			if not valid then
			  if raw or t ~= 'none' then return {'corrupt'} end
			  return {'none'}
			end
			local all = redis.call('HGETALL', KEYS[1])
			table.insert(all, 1, tostring(v))
			return all
			""", List.class);

	private static final RedisScript<Long> RESTORE = new DefaultRedisScript<>(CHECK + """
			local mine = tonumber(ARGV[1])
			if valid then
			  local restored = redis.call('GET', KEYS[4])
			  if not (restored and tonumber(restored) == v and v < mine) then return 0 end
			end
			redis.call('DEL', KEYS[1])
			for i = 2, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
			redis.call('SET', KEYS[2], mine)
			redis.call('SET', KEYS[4], mine)
			redis.call('PUBLISH', KEYS[3], '{"v":' .. mine .. ',"op":"reload"}')
			return 1
			""", Long.class);

	private final SearchIndex copy;

	private final StringRedisTemplate redis;

	private final RedisLink link;

	private final ClusterErrors errors;

	private final JsonMapper json;

	private final ScheduledExecutorService scheduler;

	private final List<String> keys;

	private final String channel;

	private final Object lock = new Object();

	private final AtomicBoolean reloadQueued = new AtomicBoolean();

	/** The version of Redis's index the copy holds; -1 until first synced. */
	private long version = -1;

	/** The copy's version at the last {@link #check()}; heartbeat thread only. */
	private long lastChecked = -1;

	ClusterIndex(SearchIndex copy, ClusterProperties properties, StringRedisTemplate redis, RedisLink link,
			ClusterErrors errors, JsonMapper json, ScheduledExecutorService scheduler) {
		this.copy = copy;
		this.redis = redis;
		this.link = link;
		this.errors = errors;
		this.json = json;
		this.scheduler = scheduler;
		String prefix = properties.keyPrefix();
		this.channel = prefix + "index:changes";
		this.keys = List.of(prefix + "index", prefix + "index:version", this.channel, prefix + "index:restored");
	}

	String channel() {
		return this.channel;
	}

	/**
	 * The version of Redis's index this replica's copy holds, -1 before the first sync.
	 */
	long version() {
		synchronized (this.lock) {
			return this.version;
		}
	}

	SearchIndex copy() {
		return this.copy;
	}

	@Override
	public boolean put(String key, String value) {
		String tail = this.json.writeValueAsString(Map.of("op", "put", "key", key, "value", value)).substring(1);
		List<?> result = write("index writes", PUT, key, value, tail);
		return ((Number) result.get(0)).longValue() == 1;
	}

	@Override
	public boolean remove(String key) {
		String tail = this.json.writeValueAsString(Map.of("op", "del", "key", key)).substring(1);
		List<?> result = write("index writes", REMOVE, key, tail);
		return ((Number) result.get(0)).longValue() == 1;
	}

	@SuppressWarnings("rawtypes")
	private List<?> write(String what, RedisScript<List> script, String... args) {
		List<?> result = this.link.call(what,
				() -> this.redis.execute(script, this.keys.subList(0, 3), (Object[]) args));
		if (((Number) result.get(0)).longValue() == -1) {
			// Redis holds no usable index (it came back empty, or the keys hold garbage):
			// write this replica's copy back, then the change
			sync();
			result = this.link.call(what, () -> this.redis.execute(script, this.keys.subList(0, 3), (Object[]) args));
			if (((Number) result.get(0)).longValue() == -1) {
				throw this.link.unavailable(what);
			}
		}
		awaitCopy(((Number) result.get(1)).longValue());
		return result;
	}

	/**
	 * Read-your-writes on this replica: wait (bounded) until the change reached the copy.
	 */
	private void awaitCopy(long written) {
		long deadline = System.nanoTime() + OWN_WRITE_WAIT.toNanos();
		synchronized (this.lock) {
			while (this.version < written) {
				long left = deadline - System.nanoTime();
				if (left <= 0) {
					queueReload();
					return;
				}
				try {
					TimeUnit.NANOSECONDS.timedWait(this.lock, left);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return;
				}
			}
		}
	}

	/** A message on the changes channel, in publication order. */
	void onChange(String message) {
		Change change;
		try {
			change = this.json.readValue(message, Change.class);
		}
		catch (JacksonException ex) {
			this.errors.ignored("channel " + this.channel, "not an index change: " + ex.getOriginalMessage());
			return;
		}
		if (change == null || change.op() == null || ("put".equals(change.op()) && change.value() == null)
				|| (!"reload".equals(change.op()) && change.key() == null)) {
			this.errors.ignored("channel " + this.channel, "an index change without operation, key or value");
			return;
		}
		synchronized (this.lock) {
			if ("reload".equals(change.op()) || change.v() > this.version + 1 || this.version < 0) {
				queueReload();
				return;
			}
			if (change.v() <= this.version) {
				return;
			}
			switch (change.op()) {
				case "put" -> this.copy.applyToCopy(change.key(), change.value());
				case "del" -> this.copy.applyToCopy(change.key(), null);
				default -> {
					this.errors.ignored("channel " + this.channel, "an unknown index operation");
					return;
				}
			}
			this.version = change.v();
			this.lock.notifyAll();
		}
	}

	/** Reload soon, on the scheduler, once however many ask meanwhile. */
	void queueReload() {
		if (this.reloadQueued.compareAndSet(false, true)) {
			try {
				this.scheduler.execute(() -> {
					this.reloadQueued.set(false);
					try {
						sync();
					}
					catch (RuntimeException ex) {
						// Redis is down: the heartbeat retries
					}
				});
			}
			catch (java.util.concurrent.RejectedExecutionException ex) {
				// shutting down
			}
		}
	}

	/**
	 * Bring the copy and Redis together: seed or restore Redis from the copy when it
	 * holds no index, else reload the copy if its version differs.
	 */
	void sync() {
		Snapshot snapshot = read();
		if (snapshot == null) {
			restore();
			snapshot = read();
			if (snapshot == null) {
				return;
			}
		}
		if (install(snapshot, false)) {
			return;
		}
		// Redis holds an older index than this copy: either changes were applied here
		// while it was read (then a second read is newer), or Redis was restored from an
		// older copy (then this newer one may replace it)
		restore();
		snapshot = read();
		if (snapshot != null) {
			install(snapshot, true);
		}
	}

	/** The index and its version as Redis holds them, or null when it holds none. */
	private Snapshot read() {
		List<?> read = this.link.call("reading the index", () -> this.redis.execute(READ, this.keys.subList(0, 2)));
		Object head = read.isEmpty() ? "none" : read.get(0);
		if ("corrupt".equals(head)) {
			this.errors.ignored("key " + this.keys.get(0), "the index or its version holds something else");
		}
		if ("none".equals(head) || "corrupt".equals(head)) {
			return null;
		}
		Map<String, String> entries = new LinkedHashMap<>();
		for (int i = 1; i + 1 < read.size(); i += 2) {
			entries.put(String.valueOf(read.get(i)), String.valueOf(read.get(i + 1)));
		}
		return new Snapshot(Long.parseLong(head.toString()), entries);
	}

	/**
	 * Make the copy Redis's snapshot, unless the copy is newer (a reader must never see
	 * the index go back in time) and {@code evenIfOlder} is false.
	 * @return whether the snapshot was installed
	 */
	private boolean install(Snapshot snapshot, boolean evenIfOlder) {
		synchronized (this.lock) {
			if (snapshot.version() < this.version && !evenIfOlder) {
				return false;
			}
			if (this.version != snapshot.version() || !snapshot.entries().equals(this.copy.all())) {
				this.copy.replaceCopy(snapshot.entries());
			}
			this.version = snapshot.version();
			this.lock.notifyAll();
			return true;
		}
	}

	/**
	 * Check the version Redis holds against the copy's, every heartbeat: a copy that is
	 * behind and made no progress since the last check missed a change notification, and
	 * is reloaded. (Behind but progressing is changes still on their way.)
	 */
	void check() {
		String raw = this.redis.opsForValue().get(this.keys.get(1));
		long current = version();
		long previous = this.lastChecked;
		this.lastChecked = current;
		if (raw == null || !raw.equals(Long.toString(current))) {
			Long redisVersion = parse(raw);
			if (redisVersion == null || redisVersion < current || current == previous) {
				sync();
			}
		}
	}

	private static Long parse(String raw) {
		try {
			return (raw != null) ? Long.valueOf(raw) : null;
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

	/**
	 * Write this replica's copy to Redis if Redis has no index, or an older restored one.
	 */
	private void restore() {
		long mine;
		Map<String, String> entries;
		synchronized (this.lock) {
			mine = Math.max(this.version, 0);
			entries = this.copy.all();
		}
		List<String> args = new ArrayList<>(1 + entries.size() * 2);
		args.add(Long.toString(mine));
		entries.forEach((key, value) -> {
			args.add(key);
			args.add(value);
		});
		Long written = this.link.call("restoring the index",
				() -> this.redis.execute(RESTORE, this.keys, args.toArray()));
		if (written != null && written == 1) {
			logger.info((mine == 0)
					? "Cluster mode: seeded Redis with this replica's copy of the search index (" + entries.size()
							+ " entries from the index file): Redis held no index yet"
					: "Cluster mode: restored the search index in Redis from this replica's copy (" + entries.size()
							+ " entries, version " + mine + "): Redis held no index, or an older restored one");
		}
	}

	/**
	 * Redis's index at one version.
	 *
	 * @param version its version
	 * @param entries its entries
	 */
	private record Snapshot(long version, Map<String, String> entries) {
	}

	/**
	 * One published change.
	 *
	 * @param v the index version after it
	 * @param op put, del or reload
	 * @param key the query
	 * @param value the new answer (put)
	 */
	record Change(long v, String op, String key, String value) {
	}

}
