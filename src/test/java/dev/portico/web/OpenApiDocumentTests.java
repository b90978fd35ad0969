package dev.portico.web;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.httpBasic;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The OpenAPI description Swagger UI shows: every operation tagged with a described
 * group, summarized, with the status codes it really answers, errors as problem details,
 * HTTP Basic only where credentials are needed, and create examples the API accepts.
 */
@SpringBootTest(properties = { "spring.config.location=classpath:/no-listeners.yml", "portico.api.password=s3cret" })
@AutoConfigureMockMvc
class OpenApiDocumentTests {

	private static final Set<String> READS = Set.of("get", "head");

	private static final Set<String> METHODS = Set.of("get", "head", "post", "put", "delete", "patch", "options");

	@Autowired
	private MockMvc mvc;

	private JsonNode document;

	@BeforeEach
	void document() throws Exception {
		String json = this.mvc.perform(get("/v3/api-docs"))
			.andExpect(status().isOk())
			.andReturn()
			.getResponse()
			.getContentAsString();
		this.document = JsonMapper.builder().build().readTree(json);
	}

	@Test
	void shouldTagAndSummarizeEveryOperationWhenTheDescriptionIsRead() {
		Map<String, String> tags = new LinkedHashMap<>();
		this.document.path("tags")
			.forEach((tag) -> tags.put(tag.path("name").asString(), tag.path("description").asString()));
		Map<String, JsonNode> operations = operations();
		assertThat(operations).hasSizeGreaterThanOrEqualTo(16);
		Set<String> operationIds = new TreeSet<>();
		operations.forEach((name, operation) -> {
			assertThat(operation.path("summary").asString()).as(name + " summary").isNotBlank();
			assertThat(operation.path("operationId").asString()).as(name + " operationId").isNotBlank();
			operationIds.add(operation.path("operationId").asString());
			assertThat(operation.path("tags")).as(name + " tags").isNotEmpty();
			for (JsonNode tag : operation.path("tags")) {
				assertThat(tag.asString()).as(name + " tag").doesNotContain("controller").matches("[A-Z].*");
				assertThat(tags.get(tag.asString())).as("description of tag " + tag.asString()).isNotBlank();
			}
		});
		assertThat(operationIds).as("operation ids are unique").hasSize(operations.size());
		assertThat(tags).containsKeys("Listeners", "Push", "Search index");
	}

	@Test
	void shouldDeclareHttpBasicOnlyOnOperationsThatNeedCredentialsWhenReadsAreOpen() {
		assertThat(this.document.has("security")).as("no padlock on every operation").isFalse();
		assertThat(this.document.at("/components/securitySchemes/basic/scheme").asString()).isEqualTo("basic");
		operations().forEach((name, operation) -> {
			if (READS.contains(method(name))) {
				assertThat(operation.has("security")).as(name + " is open").isFalse();
				assertThat(operation.path("responses").has("401")).as(name + " answers no 401").isFalse();
			}
			else {
				assertThat(operation.path("security").toString()).as(name).isEqualTo("[{\"basic\":[]}]");
				assertThat(operation.path("responses").has("401")).as(name + " 401").isTrue();
				assertThat(operation.path("responses").has("403")).as(name + " 403 (cross-site)").isTrue();
			}
		});
	}

	@Test
	void shouldListTheStatusCodesOperationsReallyAnswerWithProblemDetailsForErrors() {
		assertThat(codes("post /api/listeners")).contains("201", "400", "409", "503").doesNotContain("200");
		assertThat(codes("post /api/listeners/{name}/connections/{id}/messages"))
			.contains("202", "404", "409", "413", "503")
			.doesNotContain("200");
		assertThat(codes("post /api/listeners/{name}/broadcast")).contains("202", "409", "503").doesNotContain("200");
		assertThat(codes("post /api/listeners/{name}/start")).contains("200", "404", "409");
		assertThat(codes("put /api/search/entries/{key}")).contains("200", "201", "400", "500");
		assertThat(operations().get("put /api/search/entries/{key}").at("/requestBody/content").propertyNames())
			.contains(MediaType.TEXT_PLAIN_VALUE, MediaType.APPLICATION_JSON_VALUE);
		assertThat(operations().get("post /api/listeners/{name}/broadcast").at("/requestBody/content").propertyNames())
			.contains(MediaType.TEXT_PLAIN_VALUE, MediaType.APPLICATION_OCTET_STREAM_VALUE);
		operations().forEach((name, operation) -> {
			if (method(name).equals("delete")) {
				assertThat(codes(name)).as(name).contains("204", "404").doesNotContain("200");
			}
			operation.path("responses").properties().forEach((entry) -> {
				if (entry.getKey().compareTo("400") >= 0) {
					JsonNode content = entry.getValue().path("content");
					assertThat(content.propertyNames()).as(name + " " + entry.getKey())
						.containsExactly(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
					assertThat(content.path(MediaType.APPLICATION_PROBLEM_JSON_VALUE).at("/schema/$ref").asString())
						.isEqualTo("#/components/schemas/ProblemDetail");
				}
				assertThat(entry.getValue().path("description").asString()).as(name + " " + entry.getKey())
					.isNotBlank()
					.isNotEqualTo("OK");
			});
		});
		JsonNode problem = this.document.at("/components/schemas/ProblemDetail/properties");
		assertThat(problem.propertyNames()).contains("type", "title", "status", "detail", "instance");
	}

	@Test
	void shouldGiveCreateExamplesAndOptionKeysThatTheApiAccepts() throws Exception {
		JsonNode request = this.document.at("/components/schemas/ListenerRequest/properties");
		List<String> types = new ArrayList<>();
		request.at("/type/enum").forEach((type) -> types.add(type.asString()));
		assertThat(types).contains("echo", "multiconn", "search", "udp");
		assertThat(request.at("/options/description").asString()).contains("idle-timeout", "max-connections",
				"keep-alive", "reply");
		JsonNode examples = operations().get("post /api/listeners")
			.at("/requestBody/content/application~1json/examples");
		assertThat(examples.propertyNames()).hasSizeGreaterThanOrEqualTo(4);
		for (String example : examples.propertyNames()) {
			JsonNode body = examples.path(example).path("value");
			String json = body.isString() ? body.asString() : body.toString();
			String name = JsonMapper.builder().build().readTree(json).path("name").asString();
			this.mvc
				.perform(post("/api/listeners").with(httpBasic("admin", "s3cret"))
					.contentType(MediaType.APPLICATION_JSON)
					.content(json))
				.andExpect(status().isCreated());
			this.mvc.perform(delete("/api/listeners/" + name).with(httpBasic("admin", "s3cret")))
				.andExpect(status().isNoContent());
		}
	}

	/** Every operation, keyed "method path". */
	private Map<String, JsonNode> operations() {
		Map<String, JsonNode> operations = new LinkedHashMap<>();
		this.document.path("paths").properties().forEach((path) -> path.getValue().properties().forEach((method) -> {
			if (METHODS.contains(method.getKey())) {
				operations.put(method.getKey() + " " + path.getKey(), method.getValue());
			}
		}));
		return operations;
	}

	private Set<String> codes(String operation) {
		JsonNode found = operations().get(operation);
		assertThat(found).as(operation).isNotNull();
		return new TreeSet<>(found.path("responses").propertyNames());
	}

	private static String method(String operation) {
		return operation.substring(0, operation.indexOf(' '));
	}

}
