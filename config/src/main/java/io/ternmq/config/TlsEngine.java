package io.ternmq.config;

/** Which TLS implementation the TLS listener uses ({@code tls.engine}). */
public enum TlsEngine {
    /** Netty's OpenSSL engine (BoringSSL) where its native library loads, the JDK's engine otherwise. */
    AUTO,
    /** Netty's OpenSSL engine; start-up fails where its native library does not load. */
    OPENSSL,
    /** The JDK's own engine (JSSE). */
    JDK
}
