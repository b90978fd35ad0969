package dev.portico.support;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;

import dev.portico.listener.Listener;
import dev.portico.listener.ListenerOutcome;
import dev.portico.listener.ListenerRegistry;
import dev.portico.listener.ListenerState;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Base of tests that run real listeners on ephemeral ports, created through the registry.
 * The jar's default listeners are not configured here, so no test binds a default port.
 */
@SpringBootTest(webEnvironment = WebEnvironment.NONE, properties = "spring.config.location=classpath:/no-listeners.yml")
public abstract class ListenerTestSupport {

	@Autowired
	protected ListenerRegistry registry;

	private final List<String> created = new ArrayList<>();

	/**
	 * Create and start a listener from its keys ({@link Keys}); it is deleted after the
	 * test.
	 */
	protected Listener start(String name, Map<String, ?> keys) {
		ListenerOutcome outcome = this.registry.create(name, keys);
		assertThat(outcome.result()).as(outcome.detail()).isEqualTo(ListenerOutcome.Result.CREATED);
		this.created.add(name);
		ListenerOutcome started = this.registry.start(name);
		assertThat(started.result()).as(started.detail()).isEqualTo(ListenerOutcome.Result.STARTED);
		assertThat(started.listener().state()).isEqualTo(ListenerState.RUNNING);
		return started.listener();
	}

	@AfterEach
	void deleteCreatedListeners() {
		this.created.forEach(this.registry::delete);
		this.created.clear();
	}

}
