/**
 * The multiconn listener type: echo through bounded per-connection queues, plus server
 * pushes to one connection or all over REST.
 */
package dev.portico.multiconn;
