package io.ternmq.config;

/** Whether the TLS listener asks clients for a certificate ({@code tls.client-auth}). */
public enum ClientAuth {
    /** No client certificate is requested. */
    NONE,
    /** A client may present a certificate; if it does, it must verify against {@code tls.client-ca-file}. */
    OPTIONAL,
    /** Every client must present a certificate that verifies against {@code tls.client-ca-file}. */
    REQUIRED
}
