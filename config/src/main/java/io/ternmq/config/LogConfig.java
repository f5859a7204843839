package io.ternmq.config;

import java.util.Objects;

/**
 * Logging settings.
 *
 * @param level root log level, lower case: trace, debug, info, warn or error
 */
public record LogConfig(String level) {

    public LogConfig {
        Objects.requireNonNull(level, "level");
    }
}
