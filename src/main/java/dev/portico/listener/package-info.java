/**
 * Listener model and lifecycle: configuration, the registry, states and status values.
 */
package dev.portico.listener;
