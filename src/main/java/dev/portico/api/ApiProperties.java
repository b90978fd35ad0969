package dev.portico.api;

import java.util.List;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

import dev.portico.listener.Within;

/**
 * Security and limits of the management API, {@code portico.api.*}.
 *
 * @param username the user allowed to change things (POST, PUT, DELETE under
 * {@code /api}); default {@code admin}
 * @param password that user's password, plain or encoded with a {@code {id}} prefix such
 * as {@code {bcrypt}}; when empty a random one is generated at start and logged once
 * @param openReads whether GET under {@code /api} and the Actuator {@code listeners} and
 * {@code metrics} reads are open without credentials; default true ({@code health},
 * {@code info} and {@code prometheus} are always open)
 * @param maxBodySize largest request body accepted, JSON included; default 1MB, at most
 * 64MB
 * @param maxFailedLoginsPerMinute failed logins allowed per client address: that many at
 * once, then that many per minute; past it the address gets 429 with {@code Retry-After}
 * until it may try again, without its credentials being checked; default 10
 * @param allowedOrigins origins, besides the service's own, from which a browser may send
 * changes (a console behind a proxy: {@code https://portico.example.com}); default none
 */
@Validated
@ConfigurationProperties("portico.api")
public record ApiProperties(@DefaultValue("admin") @NotBlank String username, String password,
		@DefaultValue("true") boolean openReads, @DefaultValue("1MB") @Within(max = "64MB") DataSize maxBodySize,
		@DefaultValue("10") @Min(1) @Max(100_000) int maxFailedLoginsPerMinute,
		@DefaultValue List<String> allowedOrigins) {

	/**
	 * Never the password: a record's own toString would print it wherever the value is
	 * logged.
	 */
	@Override
	public String toString() {
		return "ApiProperties[username=" + this.username + ", password=" + ((this.password != null) ? "******" : null)
				+ ", openReads=" + this.openReads + ", maxBodySize=" + this.maxBodySize + ", maxFailedLoginsPerMinute="
				+ this.maxFailedLoginsPerMinute + ", allowedOrigins=" + this.allowedOrigins + "]";
	}

}
