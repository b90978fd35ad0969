package dev.portico.console;

import java.time.Duration;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

import dev.portico.listener.Within;

/**
 * Settings of the web console and its event stream, {@code portico.console.*}.
 *
 * @param maxStreams how many event streams ({@code GET /api/events}, one per open console
 * tab) may be open at once; more are refused with 503. A stream dropped while its last
 * write is still blocked keeps its place until that write ends, so this also bounds the
 * threads that write events. Default 16
 * @param interval how often every listener's figures are sent; default 1s
 * @param changeInterval how often listener states and connection counts are compared with
 * the previous look, to send what changed as one batched event; default 250ms
 * @param ping how often a comment line is sent on an idle stream, so that proxies and
 * browsers keep it open; default 15s
 * @param sendTimeout a stream whose client has not taken one event within this time is
 * dropped; default 10s
 * @param maxQueuedBytes events waiting for one slow client, in bytes; a stream that would
 * queue more is dropped (its client reconnects and starts afresh); default 1MB
 * @param history how much history of the figures a new stream gets first, for the charts;
 * default 5m
 */
@ConfigurationProperties("portico.console")
@Validated
public record ConsoleProperties(@DefaultValue("16") @Min(1) @Max(10_000) int maxStreams,
		@DefaultValue("1s") @DurationMin(millis = 100) @DurationMax(minutes = 1) Duration interval,
		@DefaultValue("250ms") @DurationMin(millis = 10) @DurationMax(minutes = 1) Duration changeInterval,
		@DefaultValue("15s") @DurationMin(millis = 100) @DurationMax(minutes = 10) Duration ping,
		@DefaultValue("10s") @DurationMin(millis = 100) @DurationMax(minutes = 10) Duration sendTimeout,
		@DefaultValue("1MB") @Within(min = "1KB", max = "1GB") DataSize maxQueuedBytes,
		@DefaultValue("5m") @DurationMin(seconds = 0) @DurationMax(hours = 1) Duration history) {

	/** How many figure samples the history holds: one per interval, plus the first. */
	int historySamples() {
		return (int) (this.history.toMillis() / this.interval.toMillis()) + 1;
	}

}
