/** A non-blocking load generator that verifies every byte and answer it gets back. */
package dev.portico.cli.bench;
