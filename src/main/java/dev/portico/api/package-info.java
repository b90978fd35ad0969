/** The management API under {@code /api}: REST controllers, problem details and their security. */
package dev.portico.api;
