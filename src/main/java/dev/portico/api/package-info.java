/**
 * What every controller of the management API shares: its settings
 * ({@code portico.api.*}), problem details built one way, and request bodies read with a
 * size cap.
 */
package dev.portico.api;
