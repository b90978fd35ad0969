package dev.portico.web;

import io.micrometer.core.instrument.MeterRegistry;
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
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;
import org.springframework.security.web.util.matcher.AndRequestMatcher;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

import dev.portico.api.ApiProperties;

/**
 * Who may do what over HTTP. Reads are open (configurable); every change, under
 * {@code /api}, needs HTTP Basic with {@code portico.api.username} and
 * {@code portico.api.password}. Stateless, so no session and no CSRF token; changes a
 * browser sends from another origin are refused by {@link CrossSiteWriteFilter}, form and
 * text bodies where no endpoint takes them by {@link SimpleBodyInterceptor}. Failed
 * logins are limited per address ({@link LoginThrottleFilter}, {@link LoginLimiter}),
 * verified credentials are remembered for a minute, and every body is capped at
 * {@code portico.api.max-body-size} ({@link BodyLimitFilter}).
 *
 * <p>
 * Filter order: cross-site check, login throttle, HTTP Basic, body cap, authorization: a
 * refused request never costs a password check.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
class ApiSecurityConfiguration {

	@Bean
	SecurityFilterChain porticoSecurityFilterChain(HttpSecurity http, ApiProperties properties, JsonMapper jsonMapper,
			ApiAuthenticationProvider provider, LoginLimiter limiter) throws Exception {
		ProblemAuthenticationEntryPoint entryPoint = new ProblemAuthenticationEntryPoint(jsonMapper);
		boolean openReads = properties.openReads();
		// no CSRF token for a stateless API; cross-site browser writes are refused by the
		// filter instead
		http.csrf((csrf) -> csrf.disable())
			.authenticationManager(new ProviderManager(provider))
			.addFilterBefore(new CrossSiteWriteFilter(jsonMapper, properties.allowedOrigins()),
					BasicAuthenticationFilter.class)
			.addFilterBefore(new LoginThrottleFilter(limiter, provider, jsonMapper), BasicAuthenticationFilter.class)
			.addFilterAfter(new BodyLimitFilter(properties.maxBodySize().toBytes(), jsonMapper),
					BasicAuthenticationFilter.class)
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
	ApiCredentials porticoApiCredentials(ApiProperties properties, Environment environment) {
		return new ApiCredentials(properties, environment);
	}

	@Bean
	LoginLimiter porticoLoginLimiter(ApiProperties properties, MeterRegistry meters) {
		return new LoginLimiter(properties.maxFailedLoginsPerMinute(), meters);
	}

	/**
	 * The one way credentials are checked; as a bean it also keeps Spring Boot from
	 * making a user of its own.
	 */
	@Bean
	ApiAuthenticationProvider porticoAuthenticationProvider(ApiCredentials credentials, LoginLimiter limiter) {
		return new ApiAuthenticationProvider(credentials, limiter);
	}

	@Bean
	WebMvcConfigurer porticoSimpleBodies() {
		return new WebMvcConfigurer() {

			@Override
			public void addInterceptors(InterceptorRegistry registry) {
				registry.addInterceptor(new SimpleBodyInterceptor());
			}

		};
	}

}
