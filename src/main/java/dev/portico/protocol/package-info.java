/**
 * Pure wire codecs: unframed stream chunks, the search frame and the PROXY protocol
 * header. No Spring context.
 */
package dev.portico.protocol;
