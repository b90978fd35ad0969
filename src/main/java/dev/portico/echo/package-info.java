/** The echo listener type: every chunk of bytes written back as it arrives. */
package dev.portico.echo;
