package dev.portico.web;

import java.util.List;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

import dev.portico.api.ApiProperties;
import dev.portico.listener.Listener;
import dev.portico.listener.ListenerRegistry;
import dev.portico.listener.ListenerState;

/**
 * Logs one block once Portico is ready to serve: where to reach it over HTTP, the
 * console, each listener's address and type, the API user and where its password comes
 * from. A generated password is shown here and nowhere else, so it is printed only by a
 * start that succeeded; the block is then logged at WARN, so that it shows even when INFO
 * is off.
 */
@Component
class StartupSummary implements ApplicationListener<ApplicationReadyEvent> {

	private static final Log logger = LogFactory.getLog(StartupSummary.class);

	private final ListenerRegistry registry;

	private final ApiProperties properties;

	private final ObjectProvider<ApiCredentials> credentials;

	StartupSummary(ListenerRegistry registry, ApiProperties properties, ObjectProvider<ApiCredentials> credentials) {
		this.registry = registry;
		this.properties = properties;
		this.credentials = credentials;
	}

	@Override
	public void onApplicationEvent(ApplicationReadyEvent event) {
		ApplicationContext context = event.getApplicationContext();
		if (context.getParent() != null) {
			// a child context (the management server's) is not the service starting
			return;
		}
		ApiCredentials credentials = this.credentials.getIfAvailable();
		String summary = summary(context, credentials);
		if (credentials != null && credentials.isGenerated()) {
			logger.warn(summary);
		}
		else {
			logger.info(summary);
		}
	}

	private String summary(ApplicationContext context, ApiCredentials credentials) {
		Environment environment = context.getEnvironment();
		StringBuilder out = new StringBuilder("Portico is ready\n");
		String base = baseUrl(context, environment);
		if (base != null) {
			line(out, "HTTP API",
					base + "api (OpenAPI: " + base + "v3/api-docs, Swagger UI: " + base + "swagger-ui.html)");
			line(out, "console", base);
			line(out, "actuator",
					actuatorUrl(environment, base, ((WebServerApplicationContext) context).getWebServer().getPort()));
		}
		else {
			line(out, "HTTP", "none (not a web application)");
		}
		List<Listener> listeners = this.registry.list();
		if (listeners.isEmpty()) {
			line(out, "listeners", "none (add some under portico.listeners or with POST /api/listeners)");
		}
		int width = listeners.stream().mapToInt((listener) -> listener.name().length()).max().orElse(0);
		String label = "listeners";
		for (Listener listener : listeners) {
			line(out, label, listener(listener, width));
			label = "";
		}
		if (credentials != null) {
			line(out, "API user", credentials.username() + " (changes need HTTP Basic; reads are "
					+ (this.properties.openReads() ? "open" : "not open: portico.api.open-reads is false") + ")");
			if (credentials.isGenerated()) {
				line(out, "password", credentials.generatedPassword()
						+ " (generated for this run only; set PORTICO_API_PASSWORD to choose your own)");
			}
			else {
				line(out, "password", "configured, from " + credentials.configuredIn());
			}
		}
		return out.toString().stripTrailing();
	}

	private static String listener(Listener listener, int width) {
		String address = listener.definition().bind();
		if (address.indexOf(':') >= 0) {
			address = "[" + address + "]";
		}
		StringBuilder line = new StringBuilder();
		line.append(String.format("%-" + width + "s  %s %s:%d, type %s, %s", listener.name(),
				listener.type().transport().id(), address, listener.port(), listener.type().id(), listener.state()));
		if (listener.state() == ListenerState.FAILED && listener.failure() != null) {
			line.append(": ").append(listener.failure());
		}
		return line.toString();
	}

	private static void line(StringBuilder out, String label, String value) {
		out.append(String.format("  %-10s %s%n", label, value));
	}

	/** {@code http://host:port/context-path/}, or null when no web server runs. */
	private static String baseUrl(ApplicationContext context, Environment environment) {
		if (!(context instanceof WebServerApplicationContext web) || web.getWebServer() == null) {
			return null;
		}
		int port = web.getWebServer().getPort();
		if (port <= 0) {
			return null;
		}
		String scheme = (environment.getProperty("server.ssl.enabled", Boolean.class, false)
				|| environment.getProperty("server.ssl.bundle") != null) ? "https" : "http";
		String contextPath = environment.getProperty("server.servlet.context-path", "");
		contextPath = contextPath.endsWith("/") ? contextPath : contextPath + "/";
		return scheme + "://" + host(environment.getProperty("server.address")) + ":" + port + contextPath;
	}

	private static String actuatorUrl(Environment environment, String base, int serverPort) {
		String basePath = environment.getProperty("management.endpoints.web.base-path", "/actuator");
		Integer managementPort = environment.getProperty("local.management.port", Integer.class);
		if (managementPort == null || managementPort <= 0 || managementPort == serverPort) {
			return base + basePath.replaceFirst("^/", "");
		}
		return "http://" + host(environment.getProperty("management.server.address")) + ":" + managementPort + basePath
				+ " (management port)";
	}

	/** The host to put in a URL: the bound address, or localhost when bound to all. */
	private static String host(String address) {
		if (address == null || address.isBlank() || address.equals("0.0.0.0") || address.equals("::")
				|| address.equals("[::]")) {
			return "localhost";
		}
		return (address.indexOf(':') >= 0 && !address.startsWith("[")) ? "[" + address + "]" : address;
	}

}
