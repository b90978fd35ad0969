/**
 * TCP serving on Spring Integration IP, on one of two engines
 * ({@link dev.portico.tcp.TcpEngine}): shared event loops behind Spring Integration's NIO
 * factory, or a thread per connection on its NET factory; binding, the accept policy, the
 * watchdog, per-connection state with bounded outbound queues, and the typed handler
 * interfaces the TCP listener types implement.
 */
package dev.portico.tcp;
