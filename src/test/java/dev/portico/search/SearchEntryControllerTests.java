package dev.portico.search;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;

import dev.portico.search.SearchIndex;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.httpBasic;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The search entries API over a real {@link SearchIndex} on a temporary copy of the
 * shipped index.
 */
@SpringBootTest(properties = { "spring.config.location=classpath:/no-listeners.yml", "portico.api.password=s3cret" })
@AutoConfigureMockMvc
class SearchEntryControllerTests {

	private static final Path DATA = temporaryDirectory();

	@DynamicPropertySource
	static void dataDirectory(DynamicPropertyRegistry registry) {
		registry.add("portico.search.data-dir", DATA::toString);
	}

	private static final String DOG = "\uD83D\uDC36";

	private static final String RABBIT = "\uD83D\uDC30";

	@Autowired
	private MockMvc mvc;

	@Autowired
	private SearchIndex index;

	@BeforeEach
	void freshIndex() throws IOException {
		Files.copy(Path.of("config/search-index.json"), this.index.getFile(),
				java.nio.file.StandardCopyOption.REPLACE_EXISTING);
		this.index.reload();
	}

	@AfterEach
	void removeBlocker() throws IOException {
		Files.deleteIfExists(blocker());
	}

	@Test
	void shouldListEntriesInIndexOrderWhenNoKeyIsGiven() throws Exception {
		this.mvc.perform(get("/api/search/entries"))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.morpheus").value("Follow the white rabbit. " + RABBIT))
			.andExpect(jsonPath("$.length()").value(3));
	}

	@Test
	void shouldFindEntryWhenKeyIsPercentEncodedEmoji() throws Exception {
		this.mvc.perform(get(java.net.URI.create("/api/search/entries/%F0%9F%90%B6")))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.key").value(DOG))
			.andExpect(jsonPath("$.value").value("\uD83D\uDC3E Playing ball! \uD83C\uDFD0"));
	}

	@Test
	void shouldAnswerNotFoundProblemWhenKeyIsUnknown() throws Exception {
		this.mvc.perform(get("/api/search/entries/nobody"))
			.andExpect(status().isNotFound())
			.andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
			.andExpect(jsonPath("$.detail").value(containsString("'nobody'")));
	}

	@Test
	void shouldCreateThenReplaceAndWriteBackWhenPuttingTextThenJson() throws Exception {
		this.mvc
			.perform(put("/api/search/entries/{key}", RABBIT).with(operator())
				.contentType("text/plain")
				.content("Down the hole \u2728".getBytes(StandardCharsets.UTF_8)))
			.andExpect(status().isCreated())
			.andExpect(header().string("Location", "/api/search/entries/%F0%9F%90%B0"))
			.andExpect(jsonPath("$.value").value("Down the hole \u2728"));
		this.mvc
			.perform(put("/api/search/entries/{key}", RABBIT).with(operator())
				.contentType(MediaType.APPLICATION_JSON)
				.content("{\"value\": \"Again \uD83D\uDC30\"}"))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.value").value("Again " + RABBIT));
		assertThat(this.index.get(RABBIT)).isEqualTo("Again " + RABBIT);
		assertThat(Files.readString(this.index.getFile())).contains("\"" + RABBIT + "\": \"Again " + RABBIT + "\"");
	}

	@Test
	void shouldAcceptKeysWithSlashWhenGivenAsQueryParameter() throws Exception {
		this.mvc
			.perform(put("/api/search/entries").param("key", "a/b;c%")
				.with(operator())
				.contentType("text/plain")
				.content("odd"))
			.andExpect(status().isCreated());
		this.mvc.perform(get("/api/search/entries").param("key", "a/b;c%"))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.value").value("odd"));
		this.mvc.perform(delete("/api/search/entries").param("key", "a/b;c%").with(operator()))
			.andExpect(status().isNoContent());
	}

	@Test
	void shouldDeleteEntryAndAnswerNotFoundTheSecondTime() throws Exception {
		this.mvc.perform(delete("/api/search/entries/ring").with(operator())).andExpect(status().isNoContent());
		this.mvc.perform(delete("/api/search/entries/ring").with(operator())).andExpect(status().isNotFound());
		assertThat(Files.readString(this.index.getFile())).doesNotContain("\"ring\"");
	}

	@Test
	void shouldAnswerServerErrorAndKeepIndexWhenFileCannotBeWritten() throws Exception {
		// a directory where the temporary file must go makes the write fail, even for
		// root
		Files.createDirectory(blocker());
		String before = Files.readString(this.index.getFile());
		this.mvc
			.perform(put("/api/search/entries/morpheus").with(operator()).contentType("text/plain").content("changed"))
			.andExpect(status().isInternalServerError())
			.andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
			.andExpect(jsonPath("$.detail").value(containsString("could not be written, so nothing changed")));
		this.mvc.perform(delete("/api/search/entries/ring").with(operator()))
			.andExpect(status().isInternalServerError());
		assertThat(this.index.get("morpheus")).isEqualTo("Follow the white rabbit. " + RABBIT);
		assertThat(this.index.get("ring")).isNotNull();
		assertThat(Files.readString(this.index.getFile())).isEqualTo(before);
	}

	@Test
	void shouldAnswerBadRequestWhenJsonHasNoValue() throws Exception {
		this.mvc
			.perform(put("/api/search/entries/ring").with(operator())
				.contentType(MediaType.APPLICATION_JSON)
				.content("{\"answer\": \"x\"}"))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.detail").value(containsString("{\"value\"")));
	}

	@Test
	void shouldAnswerUnauthorizedAndKeepIndexWhenCredentialsAreMissing() throws Exception {
		this.mvc.perform(put("/api/search/entries/ring").contentType("text/plain").content("stolen"))
			.andExpect(status().isUnauthorized());
		this.mvc.perform(delete("/api/search/entries/ring")).andExpect(status().isUnauthorized());
		assertThat(this.index.get("ring")).startsWith("In the caves");
	}

	private Path blocker() {
		return this.index.getFile().resolveSibling(this.index.getFile().getFileName() + ".tmp");
	}

	private static org.springframework.test.web.servlet.request.RequestPostProcessor operator() {
		return httpBasic("admin", "s3cret");
	}

	private static Path temporaryDirectory() {
		try {
			return Files.createTempDirectory("portico-index");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
