package dev.portico.multiconn;

import org.springframework.test.context.TestPropertySource;

/** The same multiconn listener tests on the threaded engine (a thread per connection). */
@TestPropertySource(properties = "portico.tcp-engine=threads")
class MulticonnListenerOnThreadsIntegrationTests extends MulticonnListenerIntegrationTests {

}
