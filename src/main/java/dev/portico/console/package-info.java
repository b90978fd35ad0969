/**
 * The web console: the page at {@code /} and the live event stream it reads,
 * {@code GET /api/events}, built from snapshots of the listener registry.
 */
package dev.portico.console;
