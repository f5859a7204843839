package io.ternmq.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Logging settings.
 *
 * @param level root log level, lower case: trace, debug, info, warn or error
 * @param trace whether the {@code ternmq.trace} logger logs every accepted CONNECT and PUBLISH
 * @param traceRingSize how many recent trace events the broker keeps in memory (0: none)
 * @param repeatInterval lines a client can cause at will (a malformed packet, a refused CONNECT, a takeover) are
 *                       logged at most once per cause this often, with the number left out (0: every line)
 */
public record LogConfig(String level, boolean trace, int traceRingSize, Duration repeatInterval) {

    /** Logging without the message trace (off, with a ring of 1000 events), repeats logged once per 10 s. */
    public LogConfig(String level) {
        this(level, false, 1000, Duration.ofSeconds(10));
    }

    public LogConfig(String level, boolean trace, int traceRingSize) {
        this(level, trace, traceRingSize, Duration.ofSeconds(10));
    }

    public LogConfig {
        Objects.requireNonNull(level, "level");
        Objects.requireNonNull(repeatInterval, "repeatInterval");
    }
}
