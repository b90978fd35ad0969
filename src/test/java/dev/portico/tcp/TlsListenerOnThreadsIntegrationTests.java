package dev.portico.tcp;

import org.springframework.test.context.TestPropertySource;

/** The same TLS listener tests on the threaded engine (an SSLSocket per connection). */
@TestPropertySource(properties = "portico.tcp-engine=threads")
class TlsListenerOnThreadsIntegrationTests extends TlsListenerIntegrationTests {

}
