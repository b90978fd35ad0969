package dev.portico.search;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class SearchIndexTests {

	/** The shipped index, as bytes: emoji as raw UTF-8. */
	private static final String DEFAULT_INDEX = "{\n" + "  \"morpheus\": \"Follow the white rabbit. \uD83D\uDC30\",\n"
			+ "  \"ring\": \"In the caves beneath the Misty Mountains. \uD83D\uDC8D\",\n"
			+ "  \"\uD83D\uDC36\": \"\uD83D\uDC3E Playing ball! \uD83C\uDFD0\"\n" + "}\n";

	@TempDir
	Path directory;

	private Path indexFile(String content) throws IOException {
		Path file = this.directory.resolve("search-index.json");
		Files.writeString(file, content, StandardCharsets.UTF_8);
		return file;
	}

	@Test
	void shouldLoadEntriesInFileOrderWhenFileIsValid() throws IOException {
		SearchIndex index = new SearchIndex(indexFile(DEFAULT_INDEX));

		assertThat(index.all().keySet()).containsExactly("morpheus", "ring", "\uD83D\uDC36");
		assertThat(index.get("morpheus")).isEqualTo("Follow the white rabbit. \uD83D\uDC30");
		assertThat(index.get("\uD83D\uDC36")).isEqualTo("\uD83D\uDC3E Playing ball! \uD83C\uDFD0");
		assertThat(index.get("nothing")).isNull();
		assertThat(index.size()).isEqualTo(3);
	}

	@Test
	void shouldShipTheThreeDefaultEntriesWhenReadingConfigFile() {
		SearchIndex index = new SearchIndex(Path.of("config", "search-index.json"));
		assertThat(index.all()).containsExactly(Map.entry("morpheus", "Follow the white rabbit. \uD83D\uDC30"),
				Map.entry("ring", "In the caves beneath the Misty Mountains. \uD83D\uDC8D"),
				Map.entry("\uD83D\uDC36", "\uD83D\uDC3E Playing ball! \uD83C\uDFD0"));
	}

	@Test
	void shouldNameTheFileWhenItIsMissing() {
		Path missing = this.directory.resolve("nope.json");
		assertThatExceptionOfType(SearchIndexException.class).isThrownBy(() -> new SearchIndex(missing))
			.withMessageContaining(missing.toString())
			.satisfies((ex) -> assertThat(ex.getFile()).isEqualTo(missing));
	}

	@Test
	void shouldNameTheFileWhenItIsCorrupt() throws IOException {
		for (String corrupt : List.of("{\"a\": ", "[\"a\"]", "{\"a\": 1}", "{\"a\": \"b\"} {}", "", "null")) {
			Path file = indexFile(corrupt);
			assertThatExceptionOfType(SearchIndexException.class).as(corrupt)
				.isThrownBy(() -> new SearchIndex(file))
				.withMessageContaining(file.toString())
				.withMessageContaining("Corrupt");
		}
	}

	@Test
	void shouldRefuseFileWhenItIsNotUtf8() throws IOException {
		Path file = this.directory.resolve("latin1.json");
		Files.write(file, new byte[] { '{', '"', 'a', '"', ':', ' ', '"', (byte) 0xE9, '"', '}' });
		assertThatExceptionOfType(SearchIndexException.class).isThrownBy(() -> new SearchIndex(file))
			.withMessage("Corrupt search index file " + file + ": not valid UTF-8");
	}

	@Test
	void shouldWriteBackAndKeepOrderWhenPuttingAndRemoving() throws IOException {
		Path file = indexFile(DEFAULT_INDEX);
		SearchIndex index = new SearchIndex(file);

		assertThat(index.put("neo", "There is no spoon. \u2728")).isTrue();
		assertThat(index.put("ring", "One ring to rule them all.")).isFalse();
		assertThat(index.remove("morpheus")).isTrue();
		assertThat(index.remove("morpheus")).isFalse();

		assertThat(Files.readString(file, StandardCharsets.UTF_8))
			.isEqualTo("{\n" + "  \"ring\": \"One ring to rule them all.\",\n"
					+ "  \"\uD83D\uDC36\": \"\uD83D\uDC3E Playing ball! \uD83C\uDFD0\",\n"
					+ "  \"neo\": \"There is no spoon. \u2728\"\n" + "}\n");
		assertThat(new SearchIndex(file).all()).isEqualTo(index.all());
		assertThat(new SearchIndex(file).all().keySet()).containsExactly("ring", "\uD83D\uDC36", "neo");
		assertThat(Files.exists(file.resolveSibling("search-index.json.tmp"))).isFalse();
	}

	@Test
	void shouldKeepTheFilesPermissionsWhenWriting() throws IOException {
		Path file = indexFile(DEFAULT_INDEX);
		Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
		SearchIndex index = new SearchIndex(file);

		assertThat(index.put("neo", "There is no spoon.")).isTrue();

		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-r-----");
		assertThat(new SearchIndex(file).all()).containsEntry("neo", "There is no spoon.");
	}

	@Test
	void shouldWriteThroughASymbolicLinkAndKeepTheLink() throws IOException {
		Path real = Files.createDirectories(this.directory.resolve("real")).resolve("index.json");
		Files.writeString(real, DEFAULT_INDEX, StandardCharsets.UTF_8);
		Path link = Files.createSymbolicLink(this.directory.resolve("search-index.json"), real);
		SearchIndex index = new SearchIndex(link);

		assertThat(index.put("neo", "There is no spoon.")).isTrue();

		assertThat(Files.isSymbolicLink(link)).isTrue();
		assertThat(Files.readSymbolicLink(link)).isEqualTo(real);
		assertThat(new SearchIndex(real).all()).containsEntry("neo", "There is no spoon.");
		assertThat(Files.exists(real.resolveSibling("index.json.tmp"))).isFalse();
	}

	@Test
	void shouldWriteTheSameBytesWhenRewritingTheShippedFormat() throws IOException {
		Path file = indexFile(DEFAULT_INDEX);
		SearchIndex index = new SearchIndex(file);
		index.put("x", "y");
		index.remove("x");
		assertThat(Files.readString(file, StandardCharsets.UTF_8)).isEqualTo(DEFAULT_INDEX);
	}

	@Test
	void shouldEscapeLikePythonWhenValuesHoldSpecialCharacters() throws IOException {
		Path file = indexFile("{}");
		SearchIndex index = new SearchIndex(file);
		index.put("q\"uote", "line\nbreak\ttab\\");
		assertThat(Files.readString(file)).isEqualTo("{\n  \"q\\\"uote\": \"line\\nbreak\\ttab\\\\\"\n}\n");
		assertThat(new SearchIndex(file).get("q\"uote")).isEqualTo("line\nbreak\ttab\\");
	}

	@Test
	void shouldNotWriteWhenValueIsUnchanged() throws IOException {
		Path file = indexFile(DEFAULT_INDEX.replace("\n", "\r\n"));
		SearchIndex index = new SearchIndex(file);
		assertThat(index.put("ring", "In the caves beneath the Misty Mountains. \uD83D\uDC8D")).isFalse();
		assertThat(Files.readString(file)).contains("\r\n");
	}

	@Test
	void shouldSeeExternalEditsWhenReloading() throws IOException {
		Path file = indexFile(DEFAULT_INDEX);
		SearchIndex index = new SearchIndex(file);
		Files.writeString(file, "{\"only\": \"one\"}");

		index.reload();

		assertThat(index.all()).containsExactly(Map.entry("only", "one"));
	}

	@Test
	void shouldKeepEntriesWhenReloadingACorruptFile() throws IOException {
		Path file = indexFile(DEFAULT_INDEX);
		SearchIndex index = new SearchIndex(file);
		Files.writeString(file, "{broken");

		assertThatExceptionOfType(SearchIndexException.class).isThrownBy(index::reload);
		assertThat(index.size()).isEqualTo(3);
	}

	@Test
	void shouldLeaveOldFileAndEntriesWhenTemporaryFileCannotBeWritten() throws IOException {
		Path file = indexFile(DEFAULT_INDEX);
		SearchIndex index = new SearchIndex(file);
		// A non-empty directory where the temporary file must go makes the write fail.
		Path blocker = Files.createDirectories(file.resolveSibling("search-index.json.tmp").resolve("x"));

		assertThatExceptionOfType(SearchIndexException.class).isThrownBy(() -> index.put("neo", "spoon"))
			.withMessageContaining(file.toString());
		assertThatExceptionOfType(SearchIndexException.class).isThrownBy(() -> index.remove("ring"));

		assertThat(Files.readString(file, StandardCharsets.UTF_8)).isEqualTo(DEFAULT_INDEX);
		assertThat(index.all().keySet()).containsExactly("morpheus", "ring", "\uD83D\uDC36");
		assertThat(index.get("neo")).isNull();
		assertThat(blocker).isDirectory();
	}

	@Test
	void shouldLeaveEntriesAndNoTemporaryFileWhenRenameFails() throws IOException {
		Path file = indexFile(DEFAULT_INDEX);
		SearchIndex index = new SearchIndex(file);
		// The target turns into a non-empty directory: the rename over it fails.
		Files.delete(file);
		Files.createDirectories(file.resolve("child"));

		assertThatExceptionOfType(SearchIndexException.class).isThrownBy(() -> index.put("neo", "spoon"))
			.withMessageContaining(file.toString());

		assertThat(index.get("neo")).isNull();
		assertThat(index.size()).isEqualTo(3);
		assertThat(file.resolve("child")).isDirectory();
		assertThat(file.resolveSibling("search-index.json.tmp")).doesNotExist();
	}

	@Test
	void shouldLeaveOldFileWhenDirectoryIsReadOnly() throws Exception {
		Path file = indexFile(DEFAULT_INDEX);
		SearchIndex index = new SearchIndex(file);
		Files.setPosixFilePermissions(this.directory, PosixFilePermissions.fromString("r-xr-xr-x"));
		// root ignores permissions: then the directory is made read-only by a read-only
		// bind mount
		boolean mounted = Files.isWritable(this.directory) && readOnlyMount(this.directory);
		try {
			assertThat(Files.isWritable(this.directory) && !mounted)
				.as("the directory must be read-only: run as a non-root user, or as root allowed to mount")
				.isFalse();
			assertThatExceptionOfType(SearchIndexException.class).isThrownBy(() -> index.put("neo", "spoon"));
		}
		finally {
			if (mounted) {
				run("umount", this.directory.toString());
			}
			Files.setPosixFilePermissions(this.directory, PosixFilePermissions.fromString("rwxr-xr-x"));
		}
		assertThat(Files.readString(file, StandardCharsets.UTF_8)).isEqualTo(DEFAULT_INDEX);
		assertThat(index.get("neo")).isNull();
	}

	private static boolean readOnlyMount(Path directory) throws Exception {
		if (!run("mount", "--bind", directory.toString(), directory.toString())) {
			return false;
		}
		if (!run("mount", "-o", "remount,ro,bind", directory.toString())) {
			run("umount", directory.toString());
			return false;
		}
		return true;
	}

	private static boolean run(String... command) throws Exception {
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		process.getInputStream().readAllBytes();
		return process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS) && process.exitValue() == 0;
	}

	@Test
	void shouldKeepEveryChangeWhenWritersRunConcurrently() throws Exception {
		Path file = indexFile("{}");
		SearchIndex index = new SearchIndex(file);
		ExecutorService executor = Executors.newFixedThreadPool(4);
		try {
			List<Future<?>> futures = new ArrayList<>();
			for (int t = 0; t < 4; t++) {
				int thread = t;
				futures.add(executor.submit(() -> {
					for (int i = 0; i < 25; i++) {
						index.put("k" + thread + "-" + i, "v" + i);
						assertThat(index.all().size()).isPositive();
					}
				}));
			}
			for (Future<?> future : futures) {
				future.get(30, TimeUnit.SECONDS);
			}
		}
		finally {
			executor.shutdownNow();
		}
		assertThat(index.size()).isEqualTo(100);
		assertThat(new SearchIndex(file).all()).isEqualTo(index.all());
	}

}
