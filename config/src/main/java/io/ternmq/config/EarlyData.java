package io.ternmq.config;

import java.util.Locale;

/**
 * What the QUIC listener acts on when it arrives in 0-RTT early data, before the handshake has completed
 * ({@code quic.early-data}). Early data can be replayed by whoever recorded it, so only what is harmless to repeat
 * may pass early; the rest waits for the handshake.
 */
public enum EarlyData {
    /** No 0-RTT: the TLS layer refuses early data, the client sends it again after the handshake. */
    OFF,
    /** CONNECT and PINGREQ may be acted on early; everything else waits for the handshake. */
    CONNECT_ONLY,
    /** As {@link #CONNECT_ONLY}, and SUBSCRIBE and UNSUBSCRIBE too (the same filter twice changes nothing). */
    ON;

    /** As written in the configuration: off, connect-only, on. */
    public String word() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
