/**
 * The search listener type and its index: the length-prefixed JSON-header protocol of the
 * tutorial.
 */
package dev.portico.search;
