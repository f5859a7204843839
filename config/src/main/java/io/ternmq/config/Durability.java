package io.ternmq.config;

/** How the broker keeps persistent sessions ({@code storage.durability}). */
public enum Durability {
    /** In the store, and a QoS 1 PUBLISH for a persistent session is acknowledged once its write is synced. */
    SYNC,
    /** In the store, acknowledged once written; synced at most every {@code storage.sync-interval}. */
    ASYNC,
    /** On the heap only: nothing survives a restart. */
    MEMORY
}
