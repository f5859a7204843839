package io.ternmq.config;

import java.util.Objects;

/**
 * Logging settings.
 *
 * @param level root log level, lower case: trace, debug, info, warn or error
 * @param trace whether the {@code ternmq.trace} logger logs every accepted CONNECT and PUBLISH
 * @param traceRingSize how many recent trace events the broker keeps in memory (0: none)
 */
public record LogConfig(String level, boolean trace, int traceRingSize) {

    /** Logging without the message trace (off, with a ring of 1000 events). */
    public LogConfig(String level) {
        this(level, false, 1000);
    }


    public LogConfig {
        Objects.requireNonNull(level, "level");
    }
}
