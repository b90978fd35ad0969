/** Pure wire codecs: unframed stream chunks and the search frame. No Spring context. */
package dev.portico.protocol;
