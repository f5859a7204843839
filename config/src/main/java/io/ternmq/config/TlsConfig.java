package io.ternmq.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The MQTT over TLS listener's settings (the port is {@link ListenersConfig#tlsPort()}). With no certificate
 * configured the broker generates a self-signed one into the data directory.
 *
 * @param certFile             PEM certificate chain, server certificate first; set together with keyFile
 * @param keyFile              PEM private key (PKCS#8, PKCS#1 RSA or SEC1 EC) of the first certificate
 * @param pkcs12File           PKCS#12 keystore holding the key and its chain, instead of the PEM files
 * @param pkcs12Password       the keystore's password, empty for none
 * @param clientAuth           whether clients are asked for a certificate
 * @param clientCaFile         PEM bundle of the CA certificates client certificates must chain to
 * @param protocols            enabled protocol versions, JDK names (TLSv1.3, TLSv1.2, TLSv1.1, TLSv1)
 * @param ciphers              enabled cipher suites, IANA names; empty for the broker's default list
 * @param engine               which TLS implementation to use
 * @param handshakeTimeout     how long a client may take to complete the TLS handshake
 * @param maxPendingHandshakes TLS connections that may be in their handshake at once; more are closed at once
 * @param reloadInterval       how often the certificate files are checked for changes; zero: only on SIGHUP
 */
public record TlsConfig(Optional<Path> certFile, Optional<Path> keyFile, Optional<Path> pkcs12File,
                        String pkcs12Password, ClientAuth clientAuth, Optional<Path> clientCaFile,
                        List<String> protocols, List<String> ciphers, TlsEngine engine, Duration handshakeTimeout,
                        int maxPendingHandshakes, Duration reloadInterval) {

    public TlsConfig {
        Objects.requireNonNull(certFile, "certFile");
        Objects.requireNonNull(keyFile, "keyFile");
        Objects.requireNonNull(pkcs12File, "pkcs12File");
        Objects.requireNonNull(pkcs12Password, "pkcs12Password");
        Objects.requireNonNull(clientAuth, "clientAuth");
        Objects.requireNonNull(clientCaFile, "clientCaFile");
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
        Objects.requireNonNull(reloadInterval, "reloadInterval");
        protocols = List.copyOf(protocols);
        ciphers = List.copyOf(ciphers);
    }

    /** True when neither PEM files nor a keystore are configured: the broker uses its generated certificate. */
    public boolean usesGeneratedCertificate() {
        return certFile.isEmpty() && pkcs12File.isEmpty();
    }

    /** Never shows the keystore password, so the record can be logged. */
    @Override
    public String toString() {
        return "TlsConfig[certFile=" + certFile + ", keyFile=" + keyFile + ", pkcs12File=" + pkcs12File
                + ", pkcs12Password=" + (pkcs12Password.isEmpty() ? "(empty)" : "(hidden)")
                + ", clientAuth=" + clientAuth + ", clientCaFile=" + clientCaFile + ", protocols=" + protocols
                + ", ciphers=" + ciphers + ", engine=" + engine + ", handshakeTimeout=" + handshakeTimeout
                + ", maxPendingHandshakes=" + maxPendingHandshakes + ", reloadInterval=" + reloadInterval + "]";
    }
}
