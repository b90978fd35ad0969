/** Helpers for tests that talk to a running Portico over HTTP and raw sockets. */
package dev.portico.test;
