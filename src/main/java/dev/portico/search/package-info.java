/** The search listener's feature code: the search index, kept in a JSON file. */
package dev.portico.search;
