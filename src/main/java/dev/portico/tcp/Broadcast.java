package dev.portico.tcp;

/**
 * Outcome of a broadcast to every open connection of a listener.
 *
 * @param queued connections that got the bytes queued
 * @param full connections skipped because their queue was full
 */
public record Broadcast(int queued, int full) {
}
