/** The udp listener type: datagram in, datagram back to the sender. */
package dev.portico.udp;
