/** Clients that mirror the socket-tutorial clients, one command per listener type. */
package dev.portico.cli.client;
