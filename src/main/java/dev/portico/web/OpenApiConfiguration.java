package dev.portico.web;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.PathItem.HttpMethod;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springdoc.core.customizers.OpenApiCustomizer;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.info.BuildProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.portico.api.ApiProperties;
import dev.portico.listener.ListenerDefinitions;
import dev.portico.listener.ListenerType;

/**
 * Describes the API in {@code /v3/api-docs} and Swagger UI. The controllers describe
 * their operations (tags, summaries, status codes); this adds what holds for all of them,
 * from the same settings the service runs with: HTTP Basic only on operations that need
 * credentials (reads are open unless {@code portico.api.open-reads} is false), the 401
 * and 403 those can answer, every error as an RFC 9457 problem detail, and the listener
 * types and option keys a create body may use.
 */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

	static final String BASIC = "basic";

	static final String PROBLEM = "ProblemDetail";

	private static final String PROBLEM_JSON = org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON_VALUE;

	@Bean
	OpenAPI porticoOpenApi(ObjectProvider<BuildProperties> build) {
		BuildProperties properties = build.getIfAvailable();
		return new OpenAPI()
			.info(new Info().title("Portico management API")
				.description("Listeners, their connections and server pushes, and the search index. Reads are open"
						+ " by default; changes need HTTP Basic as portico.api.username (default admin) with"
						+ " portico.api.password. When no password is configured, the start-up summary in the log"
						+ " shows the one generated for the run. Errors are RFC 9457 problem details whose detail"
						+ " says what to do.")
				.version((properties != null) ? properties.getVersion() : "dev"))
			.components(new Components().addSecuritySchemes(BASIC,
					new SecurityScheme().type(SecurityScheme.Type.HTTP)
						.scheme("basic")
						.description("portico.api.username and portico.api.password")));
	}

	@Bean
	OpenApiCustomizer porticoOperationsCustomizer(ApiProperties properties, ListenerDefinitions definitions) {
		return (openApi) -> {
			if (openApi.getComponents() == null) {
				openApi.setComponents(new Components());
			}
			// here rather than on the OpenAPI bean: springdoc replaces the schemas it
			// finds
			openApi.getComponents().addSchemas(PROBLEM, problemSchema());
			describeListenerRequest(openApi.getComponents().getSchemas(), definitions);
			if (openApi.getPaths() == null) {
				return;
			}
			for (PathItem path : openApi.getPaths().values()) {
				for (Map.Entry<HttpMethod, Operation> entry : path.readOperationsMap().entrySet()) {
					describe(entry.getKey(), entry.getValue(), properties.openReads());
				}
			}
		};
	}

	private static void describe(HttpMethod method, Operation operation, boolean openReads) {
		boolean read = method == HttpMethod.GET || method == HttpMethod.HEAD;
		ApiResponses responses = (operation.getResponses() != null) ? operation.getResponses() : new ApiResponses();
		operation.setResponses(responses);
		if (!read || !openReads) {
			operation.setSecurity(List.of(new SecurityRequirement().addList(BASIC)));
			responses.addApiResponse("401", new ApiResponse().description(
					"No credentials, or credentials that were" + " not accepted; the detail says how to get them"));
		}
		if (!read) {
			responses.addApiResponse("403",
					new ApiResponse().description("A browser sent this change from another site (Sec-Fetch-Site)"));
		}
		for (Map.Entry<String, ApiResponse> response : responses.entrySet()) {
			if (response.getKey().startsWith("4") || response.getKey().startsWith("5")) {
				response.getValue()
					.setContent(new Content().addMediaType(PROBLEM_JSON,
							new MediaType().schema(new Schema<>().$ref("#/components/schemas/" + PROBLEM))));
			}
		}
		// the codes in order: 2xx first, then the errors
		ApiResponses sorted = new ApiResponses();
		responses.keySet().stream().sorted().forEach((code) -> sorted.addApiResponse(code, responses.get(code)));
		operation.setResponses(sorted);
	}

	/** The create body's type and options, from the listener types this service has. */
	@SuppressWarnings({ "rawtypes", "unchecked" })
	private static void describeListenerRequest(Map<String, Schema> schemas, ListenerDefinitions definitions) {
		Schema request = (schemas != null) ? schemas.get("ListenerRequest") : null;
		if (request == null || request.getProperties() == null) {
			return;
		}
		Map<String, Schema> fields = request.getProperties();
		Schema type = fields.get("type");
		if (type != null) {
			type.setEnum(new ArrayList<>(definitions.types().keySet()));
		}
		Schema options = fields.get("options");
		if (options != null) {
			StringBuilder keys = new StringBuilder("Any other listener key, as in configuration"
					+ " (portico.listeners.<name>.*), in kebab-case or camelCase, with the same value syntax"
					+ " (\"30s\", \"1MB\"); unknown keys are refused. Keys by type:");
			for (ListenerType listenerType : definitions.types().values()) {
				keys.append(" ")
					.append(listenerType.id())
					.append(": ")
					.append(String.join(", ", definitions.optionKeys(listenerType)))
					.append(".");
			}
			options.setDescription(keys.toString());
		}
	}

	private static Schema<Object> problemSchema() {
		ObjectSchema problem = new ObjectSchema();
		problem.setDescription("An RFC 9457 problem detail (application/problem+json). Some problems add members,"
				+ " such as the listener's status for a listener that failed to bind.");
		problem.addProperty("type", new StringSchema()
			.description("A URI naming the kind of problem; about:blank" + " when the status says it all"));
		problem.addProperty("title", new StringSchema().description("The status's reason phrase"));
		problem.addProperty("status", new IntegerSchema().description("The HTTP status code"));
		problem.addProperty("detail", new StringSchema().description("What went wrong and what to do about it")
			.example("No listener named 'echo-9': GET /api/listeners lists them"));
		problem.addProperty("instance", new StringSchema().description("The path of the request"));
		problem.setAdditionalProperties(true);
		return problem;
	}

}
