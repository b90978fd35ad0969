/**
 * Observability of listeners through Spring Boot Actuator: Micrometer meters, the health
 * indicator, {@code info}, and the read-only {@code listeners} endpoint.
 */
package dev.portico.actuate;
