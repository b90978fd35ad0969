/**
 * The bundled command line: clients and the load generator, run from the jar without a
 * Spring context.
 */
package dev.portico.cli;
