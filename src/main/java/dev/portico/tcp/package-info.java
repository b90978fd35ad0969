/**
 * TCP serving on Spring Integration IP's blocking (NET) connection factory: binding, the
 * accept policy, the watchdog, per-connection state with bounded outbound queues, and the
 * typed handler interfaces the TCP listener types implement.
 */
package dev.portico.tcp;
