package dev.portico.api;

import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;

import dev.portico.listener.ListenerRegistry;

import static org.mockito.BDDMockito.given;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.httpBasic;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** With {@code portico.api.open-reads=false}, reads need the credentials too. */
@WebMvcTest(ListenerController.class)
@Import(ApiSecurityConfiguration.class)
@TestPropertySource(properties = { "portico.api.password=s3cret", "portico.api.open-reads=false" })
class ClosedReadsTests {

	@Autowired
	private MockMvc mvc;

	@MockitoBean
	private ListenerRegistry registry;

	@Test
	void shouldRequireCredentialsForReadsWhenOpenReadsIsOff() throws Exception {
		given(this.registry.list()).willReturn(List.of());
		this.mvc.perform(get("/api/listeners")).andExpect(status().isUnauthorized());
		this.mvc.perform(get("/api/listeners").with(httpBasic("admin", "s3cret"))).andExpect(status().isOk());
	}

}
