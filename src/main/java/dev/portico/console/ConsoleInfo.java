package dev.portico.console;

/**
 * What the console page needs to know about this service before it reads anything else.
 *
 * @param openReads whether reads work without credentials
 * ({@code portico.api.open-reads})
 * @param cluster whether this service answers {@code GET /api/cluster} (cluster mode is
 * built in)
 * @param interval milliseconds between two {@code listeners} events
 * @param history seconds of figures history a new event stream starts with
 */
record ConsoleInfo(boolean openReads, boolean cluster, long interval, long history) {
}
