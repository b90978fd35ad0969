package dev.portico.search;

import org.springframework.test.context.TestPropertySource;

/** The same search listener tests on the threaded engine (a thread per connection). */
@TestPropertySource(properties = "portico.tcp-engine=threads")
class SearchListenerOnThreadsIntegrationTests extends SearchListenerIntegrationTests {

}
