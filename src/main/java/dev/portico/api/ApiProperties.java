package dev.portico.api;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Security and limits of the management API, {@code portico.api.*}.
 *
 * @param username the user allowed to change things (POST, PUT, DELETE under {@code /api} and
 * Actuator write operations); default {@code admin}
 * @param password that user's password, plain or encoded with a {@code {id}} prefix such as
 * {@code {bcrypt}}; when empty a random one is generated at start and logged once
 * @param openReads whether GET under {@code /api} and the Actuator {@code listeners} and
 * {@code metrics} reads are open without credentials; default true ({@code health},
 * {@code info} and {@code prometheus} are always open)
 * @param maxBodySize largest body accepted by the push and broadcast operations; default 1MB
 */
@ConfigurationProperties("portico.api")
public record ApiProperties(String username, String password, Boolean openReads, DataSize maxBodySize) {

	public ApiProperties {
		username = (username != null && !username.isBlank()) ? username : "admin";
		openReads = (openReads != null) ? openReads : Boolean.TRUE;
		maxBodySize = (maxBodySize != null) ? maxBodySize : DataSize.ofMegabytes(1);
	}

	/** Never the password: a record's own toString would print it wherever the value is logged. */
	@Override
	public String toString() {
		return "ApiProperties[username=" + this.username + ", password=" + ((this.password != null) ? "******" : null)
				+ ", openReads=" + this.openReads + ", maxBodySize=" + this.maxBodySize + "]";
	}

}
