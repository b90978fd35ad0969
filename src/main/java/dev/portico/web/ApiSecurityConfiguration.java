package dev.portico.web;

import java.util.UUID;
import java.util.regex.Pattern;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.actuate.info.InfoEndpoint;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.prometheus.PrometheusScrapeEndpoint;
import org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;
import org.springframework.security.web.util.matcher.AndRequestMatcher;

import dev.portico.api.ApiProperties;

/**
 * Who may do what over HTTP. Reads are open (configurable); every change, under
 * {@code /api} or through an Actuator write operation, needs HTTP Basic with
 * {@code portico.api.username} and {@code portico.api.password}. Stateless, so no session
 * and no CSRF token; changes a browser sends from another site are refused by
 * {@link CrossSiteWriteFilter}.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
class ApiSecurityConfiguration {

	private static final Log logger = LogFactory.getLog(ApiSecurityConfiguration.class);

	/**
	 * A password already encoded for a {@code DelegatingPasswordEncoder}, such as
	 * {@code {bcrypt}...}.
	 */
	private static final Pattern ENCODED = Pattern.compile("^\\{.+}.*$");

	@Bean
	SecurityFilterChain porticoSecurityFilterChain(HttpSecurity http, ApiProperties properties, JsonMapper jsonMapper)
			throws Exception {
		ProblemAuthenticationEntryPoint entryPoint = new ProblemAuthenticationEntryPoint(jsonMapper);
		boolean openReads = properties.openReads();
		// no CSRF token for a stateless API; cross-site browser writes are refused by the
		// filter instead
		http.csrf((csrf) -> csrf.disable())
			.addFilterBefore(new CrossSiteWriteFilter(jsonMapper), BasicAuthenticationFilter.class)
			.sessionManagement((session) -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			.httpBasic((basic) -> basic.authenticationEntryPoint(entryPoint))
			.exceptionHandling((exceptions) -> exceptions.authenticationEntryPoint(entryPoint))
			.authorizeHttpRequests((requests) -> {
				requests
					.requestMatchers(EndpointRequest.to(HealthEndpoint.class, InfoEndpoint.class,
							PrometheusScrapeEndpoint.class))
					.permitAll();
				requests
					.requestMatchers("/v3/api-docs/**", "/v3/api-docs", "/swagger-ui.html", "/swagger-ui/**", "/error")
					.permitAll();
				// the web console's page and its static files; what it reads and changes
				// follows the rules below
				requests
					.requestMatchers(HttpMethod.GET, "/", "/index.html", "/console/**", "/webjars/**", "/favicon.ico")
					.permitAll();
				if (openReads) {
					requests.requestMatchers(HttpMethod.GET, "/api/**").permitAll();
					requests.requestMatchers(HttpMethod.HEAD, "/api/**").permitAll();
					requests
						.requestMatchers(new AndRequestMatcher(EndpointRequest.to("listeners", "metrics"),
								(request) -> HttpMethod.GET.matches(request.getMethod())))
						.permitAll();
				}
				requests.anyRequest().authenticated();
			});
		return http.build();
	}

	@Bean
	UserDetailsService porticoApiUser(ApiProperties properties) {
		String password = properties.password();
		if (password == null || password.isEmpty()) {
			password = UUID.randomUUID().toString();
			logger.warn(String.format(
					"%n%nUsing generated API password for user '%s': %s%n%n"
							+ "Set portico.api.password to choose one; this generated password is for this run only.%n",
					properties.username(), password));
			password = "{noop}" + password;
		}
		else if (!ENCODED.matcher(password).matches()) {
			password = "{noop}" + password;
		}
		return new InMemoryUserDetailsManager(
				User.withUsername(properties.username()).password(password).roles("OPERATOR").build());
	}

}
