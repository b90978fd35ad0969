package dev.portico.web;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.test.web.servlet.MockMvc;

import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.httpBasic;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** With {@code portico.api.open-reads=false}, reads need the credentials too. */
@SpringBootTest(properties = { "spring.config.location=classpath:/no-listeners.yml", "portico.api.password=s3cret",
		"portico.api.open-reads=false" })
@AutoConfigureMockMvc
class ClosedReadsTests {

	@Autowired
	private MockMvc mvc;

	@Test
	void shouldRequireCredentialsForReadsWhenOpenReadsIsOff() throws Exception {
		this.mvc.perform(get("/api/listeners")).andExpect(status().isUnauthorized());
		this.mvc.perform(get("/api/listeners").with(httpBasic("admin", "s3cret"))).andExpect(status().isOk());
	}

	@Test
	void shouldDeclareHttpBasicOnReadsInTheApiDescriptionWhenOpenReadsIsOff() throws Exception {
		this.mvc.perform(get("/v3/api-docs"))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.paths['/api/listeners'].get.security[0].basic").isArray())
			.andExpect(jsonPath("$.paths['/api/listeners'].get.responses.401").exists())
			.andExpect(jsonPath("$.paths['/api/listeners'].get.responses.403").doesNotExist());
	}

}
