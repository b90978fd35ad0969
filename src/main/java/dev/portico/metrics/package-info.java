/** Observability of listeners: Micrometer meters, the health indicator, info and the Actuator endpoint. */
package dev.portico.metrics;
