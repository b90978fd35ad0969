package dev.portico.echo;

import org.springframework.test.context.TestPropertySource;

/** The same echo listener tests on the threaded engine (a thread per connection). */
@TestPropertySource(properties = "portico.tcp-engine=threads")
class EchoListenerOnThreadsIntegrationTests extends EchoListenerIntegrationTests {

}
