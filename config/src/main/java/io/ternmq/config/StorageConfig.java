package io.ternmq.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Where and how persistent sessions are kept.
 *
 * @param durability   sync (the default), async or memory
 * @param syncInterval with async: the longest a written message waits for its sync
 * @param maxBytes     the messages the store may hold across all sessions; beyond it new QoS 1 messages for
 *                     persistent sessions are refused at the publisher
 */
public record StorageConfig(Durability durability, Duration syncInterval, long maxBytes) {

    public StorageConfig {
        Objects.requireNonNull(durability, "durability");
        Objects.requireNonNull(syncInterval, "syncInterval");
    }
}
