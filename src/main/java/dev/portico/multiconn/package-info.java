/** The multiconn listener type: echo through bounded per-connection queues, plus server pushes. */
package dev.portico.multiconn;
