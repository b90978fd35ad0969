package dev.portico.tcp;

import org.springframework.test.context.TestPropertySource;

/** The same TCP listener tests on the threaded engine (a thread per connection). */
@TestPropertySource(properties = "portico.tcp-engine=threads")
class TcpLimitsOnThreadsIntegrationTests extends TcpLimitsIntegrationTests {

}
