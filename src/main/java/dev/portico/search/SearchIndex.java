package dev.portico.search;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.portico.protocol.PythonJson;

/**
 * The search index: a thread-safe map of query to answer, in insertion order, kept in a
 * JSON object file ({@code {"key": "value", ...}}) and written back to it atomically on
 * every change.
 *
 * <p>
 * Reads are lock-free over an immutable snapshot; changes are serialized. A change first
 * writes the whole index to {@code <file>.tmp} beside the file (the real file, when it is
 * a symbolic link), with the file's permissions, forces it to disk, then renames it over
 * the file; only when that succeeded does the new snapshot become visible. A failed write
 * leaves the file and the in-memory index as they were and throws
 * {@link SearchIndexException}. The file is written as Python's
 * {@code json.dump(index, f, indent=2, ensure_ascii=False)} would, plus a final newline.
 */
public class SearchIndex implements SearchIndexStore {

	/** The index shipped in the jar: the three entries of the specification. */
	static final String EMBEDDED = "search-index.json";

	private static final JsonMapper MAPPER = JsonMapper.builder()
		.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
		.build();

	private final Path file;

	private final Object writeLock = new Object();

	private volatile Map<String, String> entries;

	/**
	 * Load the index from a file it is also written back to.
	 * @param file a JSON object whose values are all strings
	 * @throws SearchIndexException if the file is missing, unreadable or not such an
	 * object
	 */
	public SearchIndex(Path file) {
		this(file, read(file));
	}

	private SearchIndex(Path file, Map<String, String> entries) {
		this.file = Objects.requireNonNull(file, "file");
		this.entries = entries;
	}

	/**
	 * The index of the data directory's copy if there is one, else of the seed (a file,
	 * or the index shipped in the jar when {@code seed} is null); changes go to the data
	 * directory's copy.
	 * @throws SearchIndexException naming the file that is missing or corrupt
	 */
	public static SearchIndex open(Path dataDir, Path seed) {
		Path live = dataDir.resolve("search-index.json");
		// a configured seed is checked even when the data copy exists: a wrong path is a
		// mistake
		Map<String, String> seeded = (seed != null) ? read(seed) : null;
		if (Files.exists(live)) {
			return new SearchIndex(live);
		}
		if (seeded != null) {
			return new SearchIndex(live, seeded);
		}
		try (InputStream in = SearchIndex.class.getClassLoader().getResourceAsStream(EMBEDDED)) {
			if (in == null) {
				throw new SearchIndexException(null, "The jar holds no " + EMBEDDED, null);
			}
			return new SearchIndex(live, parse(Path.of("classpath:" + EMBEDDED), in.readAllBytes()));
		}
		catch (IOException ex) {
			throw new SearchIndexException(null, "Cannot read the shipped search index: " + ex, ex);
		}
	}

	/** The file changes are written to. */
	public Path getFile() {
		return this.file;
	}

	/**
	 * The answer for a query.
	 * @param key the query
	 * @return the entry, or {@code null} when there is none
	 */
	public String get(String key) {
		return this.entries.get(key);
	}

	/**
	 * Every entry, in insertion order.
	 * @return an unmodifiable snapshot
	 */
	public Map<String, String> all() {
		return this.entries;
	}

	public int size() {
		return this.entries.size();
	}

	/**
	 * Add or replace an entry and write the index back.
	 * @param key the query
	 * @param value the answer
	 * @return {@code true} if the entry was created, {@code false} if it existed (then
	 * replaced, with no write when the value is unchanged)
	 * @throws SearchIndexException if the file could not be written; nothing changed then
	 */
	@Override
	public boolean put(String key, String value) {
		Objects.requireNonNull(key, "key");
		Objects.requireNonNull(value, "value");
		synchronized (this.writeLock) {
			Map<String, String> current = this.entries;
			String previous = current.get(key);
			if (value.equals(previous)) {
				return false;
			}
			Map<String, String> changed = new LinkedHashMap<>(current);
			changed.put(key, value);
			commit(changed);
			return previous == null;
		}
	}

	/**
	 * Remove an entry and write the index back.
	 * @param key the query
	 * @return whether there was such an entry
	 * @throws SearchIndexException if the file could not be written; nothing changed then
	 */
	@Override
	public boolean remove(String key) {
		synchronized (this.writeLock) {
			Map<String, String> current = this.entries;
			if (!current.containsKey(key)) {
				return false;
			}
			Map<String, String> changed = new LinkedHashMap<>(current);
			changed.remove(key);
			commit(changed);
			return true;
		}
	}

	/**
	 * Replace the in-memory index without writing the file: for a replica whose index is
	 * stored elsewhere ({@link SearchIndexStore}) and kept here as a copy.
	 * @param entries every entry, in order
	 */
	public void replaceCopy(Map<String, String> entries) {
		synchronized (this.writeLock) {
			this.entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
		}
	}

	/**
	 * Apply one change to the in-memory index without writing the file (see
	 * {@link #replaceCopy(Map)}).
	 * @param key the query
	 * @param value the new answer, or {@code null} to remove the entry
	 */
	public void applyToCopy(String key, String value) {
		synchronized (this.writeLock) {
			Map<String, String> changed = new LinkedHashMap<>(this.entries);
			if (value != null) {
				changed.put(key, value);
			}
			else {
				changed.remove(key);
			}
			this.entries = Collections.unmodifiableMap(changed);
		}
	}

	/**
	 * Read the file again, replacing the in-memory index.
	 * @throws SearchIndexException if the file is missing or corrupt; the index is
	 * unchanged then
	 */
	public void reload() {
		synchronized (this.writeLock) {
			this.entries = read(this.file);
		}
	}

	private void commit(Map<String, String> changed) {
		write(this.file, changed);
		this.entries = Collections.unmodifiableMap(changed);
	}

	private static Map<String, String> read(Path file) {
		try {
			return parse(file, Files.readAllBytes(file));
		}
		catch (IOException ex) {
			throw new SearchIndexException(file, "Cannot read search index file " + file + ": " + ex, ex);
		}
	}

	private static Map<String, String> parse(Path file, byte[] bytes) {
		try {
			String text = StandardCharsets.UTF_8.newDecoder()
				.onMalformedInput(CodingErrorAction.REPORT)
				.onUnmappableCharacter(CodingErrorAction.REPORT)
				.decode(ByteBuffer.wrap(bytes))
				.toString();
			JsonNode root = MAPPER.readTree(text);
			if (root == null || !root.isObject()) {
				throw new IllegalArgumentException("expected a JSON object of strings");
			}
			Map<String, String> entries = new LinkedHashMap<>();
			for (Map.Entry<String, JsonNode> entry : root.properties()) {
				if (!entry.getValue().isString()) {
					throw new IllegalArgumentException("the value of '" + entry.getKey() + "' is not a string");
				}
				entries.put(entry.getKey(), entry.getValue().stringValue());
			}
			return Collections.unmodifiableMap(entries);
		}
		catch (CharacterCodingException | JacksonException | IllegalArgumentException ex) {
			throw new SearchIndexException(file, "Corrupt search index file " + file + ": " + describe(ex), ex);
		}
	}

	private static String describe(Exception ex) {
		if (ex instanceof CharacterCodingException) {
			return "not valid UTF-8";
		}
		if (ex instanceof JacksonException jackson) {
			return "not valid JSON (" + jackson.getOriginalMessage() + ")";
		}
		return ex.getMessage();
	}

	/**
	 * Write to a temporary file beside the real file (a symbolic link is followed, not
	 * replaced), with the real file's permissions, force it to disk, then rename it over
	 * the real file.
	 */
	private static void write(Path file, Map<String, String> entries) {
		Path target = file.toAbsolutePath();
		byte[] bytes = (PythonJson.write(entries, 2) + "\n").getBytes(StandardCharsets.UTF_8);
		Path temporary = null;
		boolean created = false;
		try {
			if (Files.exists(target)) {
				target = target.toRealPath();
			}
			else {
				Files.createDirectories(target.getParent());
			}
			temporary = target.resolveSibling(target.getFileName() + ".tmp");
			try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE,
					StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
				created = true;
				ByteBuffer buffer = ByteBuffer.wrap(bytes);
				while (buffer.hasRemaining()) {
					channel.write(buffer);
				}
				channel.force(true);
			}
			copyPermissions(target, temporary);
			Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
		}
		catch (IOException ex) {
			if (created) {
				try {
					Files.deleteIfExists(temporary);
				}
				catch (IOException cleanup) {
					ex.addSuppressed(cleanup);
				}
			}
			throw new SearchIndexException(file, "Cannot write search index file " + file + ": " + ex, ex);
		}
		forceDirectory(target.getParent());
	}

	private static void copyPermissions(Path from, Path to) throws IOException {
		if (!Files.exists(from)) {
			return;
		}
		PosixFileAttributeView view = Files.getFileAttributeView(from, PosixFileAttributeView.class,
				LinkOption.NOFOLLOW_LINKS);
		if (view != null) {
			Set<PosixFilePermission> permissions = view.readAttributes().permissions();
			Files.setPosixFilePermissions(to, permissions);
		}
	}

	/** Make the rename itself durable where the platform allows opening a directory. */
	private static void forceDirectory(Path directory) {
		try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
			channel.force(true);
		}
		catch (IOException | UnsupportedOperationException ex) {
			// Not possible on every platform (Windows); the file itself is already on
			// disk.
		}
	}

}
