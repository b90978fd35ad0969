package dev.portico.listener;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Service-wide listener settings, {@code portico.*}. The listeners themselves,
 * {@code portico.listeners.<name>.*}, are bound by {@link ListenerDefinitions}, since
 * their keys depend on their type.
 *
 * @param drainTimeout on shutdown, how long listeners that stopped accepting wait for
 * queued output to be written before their connections close; default 5s, at most 10m
 */
@Validated
@ConfigurationProperties("portico")
public record ListenersProperties(@DefaultValue("5s") @Within(max = "10m") Duration drainTimeout) {
}
