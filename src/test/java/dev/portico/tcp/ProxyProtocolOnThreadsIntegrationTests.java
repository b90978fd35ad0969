package dev.portico.tcp;

import org.springframework.test.context.TestPropertySource;

/** The same PROXY protocol tests on the threaded engine (a thread per connection). */
@TestPropertySource(properties = "portico.tcp-engine=threads")
class ProxyProtocolOnThreadsIntegrationTests extends ProxyProtocolIntegrationTests {

}
