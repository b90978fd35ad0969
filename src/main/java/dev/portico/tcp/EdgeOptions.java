package dev.portico.tcp;

import java.time.Duration;
import java.util.List;

import jakarta.validation.Valid;

import org.springframework.boot.context.properties.bind.DefaultValue;

import dev.portico.listener.Within;

/**
 * The keys that make a TCP listener ready for the network's edge, under
 * {@code portico.listeners.<name>}: TLS from a Spring Boot SSL bundle, and the PROXY
 * protocol header a balancer sends before the client's first byte.
 *
 * @param proxyProtocol whether to read a PROXY protocol header (version 1 or 2): off
 * (default), optional (with or without one) or required
 * @param proxyTrustedFrom the address blocks (CIDR) a PROXY header is accepted from; a
 * header from anywhere else is treated as an attack; default {@code 127.0.0.0/8, ::1/128}
 * @param ssl TLS: on when {@code ssl.bundle} names a bundle
 */
public record EdgeOptions(@DefaultValue("off") ProxyProtocol proxyProtocol, @DefaultValue( {
		"127.0.0.0/8", "::1/128" }) List<String> proxyTrustedFrom, @DefaultValue @Valid Ssl ssl){

	/** Whether the listener serves TLS. */
	public boolean tls() {
		return this.ssl.bundle() != null && !this.ssl.bundle().isBlank();
	}

	/**
	 * TLS settings, {@code ssl.*}.
	 *
	 * @param bundle the Spring Boot SSL bundle ({@code spring.ssl.bundle.pem.<name>} or
	 * {@code spring.ssl.bundle.jks.<name>}) holding the certificate, its key and, for
	 * client certificates, the trust material; unset for plain TCP
	 * @param clientAuth whether to ask for a client certificate: none (default), want
	 * (checked if sent) or need (required)
	 * @param handshakeTimeout a handshake must finish within this time; default 10s, 0
	 * for no limit, at most 5m
	 */
	public record Ssl(String bundle, @DefaultValue("none") ClientAuth clientAuth,
			@DefaultValue("10s") @Within(max = "5m") Duration handshakeTimeout) {
	}

	/** When to read a PROXY protocol header. */
	public enum ProxyProtocol {

		/** Never: the first bytes are payload. */
		OFF,

		/**
		 * When the first bytes are one; a connection without a header keeps its own
		 * address.
		 */
		OPTIONAL,

		/** Always: a connection without a header is closed. */
		REQUIRED

	}

	/** Whether a TLS listener asks for a client certificate. */
	public enum ClientAuth {

		/** No client certificate. */
		NONE,

		/** Asked for; a certificate sent must be trusted, none is fine. */
		WANT,

		/** Required and checked against the bundle's trust material. */
		NEED

	}

}
