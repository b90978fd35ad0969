/** Pure wire codecs for Portico's listeners: the search protocol frame, with no Spring context. */
package dev.portico.codec;
