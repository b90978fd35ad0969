/** Per-connection state of TCP listeners: accept and limits, byte counts, bounded outbound queues. */
package dev.portico.connection;
