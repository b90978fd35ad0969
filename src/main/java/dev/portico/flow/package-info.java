/**
 * The flow listener type: framing from Spring Integration's serializers, behaviour from
 * the application's own integration flow on the listener's inbound channel.
 */
package dev.portico.flow;
