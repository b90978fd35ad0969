package dev.portico.web;

import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.actuate.info.InfoEndpoint;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.prometheus.PrometheusScrapeEndpoint;
import org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest;
import org.springframework.boot.security.autoconfigure.web.servlet.PathRequest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
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
				// what a browser opens first: the console, its files, the favicon and the
				// Actuator index; none carries data, so none may challenge
				requests
					.requestMatchers(HttpMethod.GET, "/", "/index.html", "/console/**", "/webjars/**", "/favicon.ico")
					.permitAll();
				requests.requestMatchers(PathRequest.toStaticResources().atCommonLocations()).permitAll();
				requests.requestMatchers(EndpointRequest.toLinks()).permitAll();
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

	/**
	 * The API user. Its generated password (when none is configured) is made on first use
	 * and shown only in the start-up summary ({@link StartupSummary}).
	 */
	@Bean
	ApiCredentials porticoApiUser(ApiProperties properties, Environment environment) {
		return new ApiCredentials(properties, environment);
	}

}
