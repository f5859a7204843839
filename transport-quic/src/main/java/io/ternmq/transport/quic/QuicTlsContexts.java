package io.ternmq.transport.quic;

import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicSslContextBuilder;
import io.netty.handler.codec.quic.QuicSslEngine;
import io.netty.handler.codec.quic.SslSessionTicketKey;
import io.netty.handler.ssl.ClientAuth;
import io.ternmq.config.ConfigException;
import io.ternmq.config.EarlyData;
import io.ternmq.config.QuicConfig;
import io.ternmq.config.TlsConfig;
import io.ternmq.tls.ReloadableTlsContext;
import io.ternmq.tls.ServerCredentials;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The QUIC listener's TLS 1.3 contexts, built from the TLS listener's certificate ({@link ReloadableTlsContext}):
 * ALPN {@code mqtt} only, session tickets (with keys made at start-up, so a ticket survives a certificate reload
 * for as long as the process runs), 0-RTT early data when {@code quic.early-data} is on, and the TLS listener's
 * client certificate settings. When the TLS certificate is reloaded, the next new connection builds a new context;
 * open connections keep theirs.
 */
final class QuicTlsContexts {

    /** RFC 9000 does not fix an ALPN for MQTT; EMQX, NanoSDK and emqtt use "mqtt". */
    static final String ALPN = "mqtt";

    private static final Logger LOG = LoggerFactory.getLogger(QuicTlsContexts.class);

    private record Built(ServerCredentials credentials, QuicSslContext context) {
    }

    private final ReloadableTlsContext tls;
    private final QuicConfig quic;
    private final SslSessionTicketKey ticketKey;
    private volatile Built current;

    QuicTlsContexts(ReloadableTlsContext tls, QuicConfig quic) {
        this.tls = tls;
        this.quic = quic;
        SecureRandom random = new SecureRandom();
        byte[] name = new byte[SslSessionTicketKey.NAME_SIZE];
        byte[] hmacKey = new byte[SslSessionTicketKey.HMAC_KEY_SIZE];
        byte[] aesKey = new byte[SslSessionTicketKey.AES_KEY_SIZE];
        random.nextBytes(name);
        random.nextBytes(hmacKey);
        random.nextBytes(aesKey);
        this.ticketKey = new SslSessionTicketKey(name, hmacKey, aesKey);
        ServerCredentials credentials = tls.credentials();
        this.current = new Built(credentials, build(credentials));
    }

    /** A server engine for a new connection, from the context of the certificate in use now. */
    QuicSslEngine newEngine(QuicChannel channel) {
        ServerCredentials credentials = tls.credentials();
        Built built = current;
        if (built.credentials() != credentials) {
            built = rebuild(credentials);
        }
        return built.context().newEngine(channel.alloc());
    }

    boolean clientCertificates() {
        return tls.config().clientAuth() != io.ternmq.config.ClientAuth.NONE;
    }

    private synchronized Built rebuild(ServerCredentials credentials) {
        Built built = current;
        if (built.credentials() != credentials) {
            try {
                built = new Built(credentials, build(credentials));
            } catch (RuntimeException e) {
                LOG.error("QUIC: the reloaded TLS certificate could not be used, new QUIC connections keep the one "
                        + "in use: {}", e.getMessage());
                built = new Built(credentials, built.context());
            }
            current = built;
        }
        return built;
    }

    private QuicSslContext build(ServerCredentials credentials) {
        TlsConfig config = tls.config();
        QuicSslContextBuilder builder = QuicSslContextBuilder
                .forServer(credentials.privateKey(), null, credentials.chain().toArray(new X509Certificate[0]))
                .applicationProtocols(ALPN)
                .earlyData(quic.earlyData() != EarlyData.OFF)
                .sessionTimeout(quic.sessionLifetime().toSeconds());
        switch (config.clientAuth()) {
            case OPTIONAL -> builder.clientAuth(ClientAuth.OPTIONAL).trustManager(clientCas(config));
            case REQUIRED -> builder.clientAuth(ClientAuth.REQUIRE).trustManager(clientCas(config));
            default -> builder.clientAuth(ClientAuth.NONE);
        }
        QuicSslContext context = builder.build();
        context.sessionContext().setTicketKeys(ticketKey);
        return context;
    }

    /** tls.client-ca-file; the TLS context has already checked it, so a failure here is a file changed since. */
    private static X509Certificate[] clientCas(TlsConfig config) {
        Path file = config.clientCaFile().orElseThrow();
        List<X509Certificate> cas = new ArrayList<>();
        try (InputStream in = Files.newInputStream(file)) {
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                cas.add((X509Certificate) c);
            }
        } catch (IOException | GeneralSecurityException | ClassCastException e) {
            throw ConfigException.invalidValue("tls.client-ca-file", file.toString(),
                    "a readable PEM file of CA certificates (" + e.getMessage() + ")", "the merged configuration");
        }
        if (cas.isEmpty()) {
            throw ConfigException.invalidValue("tls.client-ca-file", file.toString(),
                    "a PEM file with at least one CA certificate", "the merged configuration");
        }
        return cas.toArray(new X509Certificate[0]);
    }
}
