package dev.portico.reliability;

import org.springframework.test.context.TestPropertySource;

/** The same faults on the threaded engine (a thread per connection). */
@TestPropertySource(properties = "portico.tcp-engine=threads")
class FaultInjectionOnThreadsIntegrationTests extends FaultInjectionIntegrationTests {

}
