package dev.portico.multiconn;

/**
 * What a push or broadcast queued.
 *
 * @param listener the listener
 * @param bytes the message size in bytes
 * @param queued connections that got it queued
 * @param full connections skipped because their queue was full (their peer is not
 * reading)
 */
public record PushResponse(String listener, int bytes, int queued, int full) {
}
