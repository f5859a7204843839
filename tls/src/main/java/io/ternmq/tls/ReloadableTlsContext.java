package io.ternmq.tls;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.ternmq.config.ConfigException;
import io.ternmq.config.TlsConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TLS listener's current {@link SslContext}, replaced as a whole when the certificate files change (polled
 * every {@code tls.reload-interval}) or on {@link #reload}. Each new connection takes the context current at
 * its accept; connections already open keep the one they were built with. A change that does not load (a
 * broken file, a key that does not match) is logged and the context in use stays.
 */
public final class ReloadableTlsContext implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ReloadableTlsContext.class);

    /** What one successful load produced. */
    private record Loaded(SslContext context, ServerCredentials credentials) {
    }

    private final TlsConfig config;
    private final Path dataDir;
    private final SslProvider provider;
    private final List<Path> watched;
    private final ScheduledExecutorService watcher;
    private volatile Loaded current;
    // Guarded by this: the files' digest behind the context in use, one just seen changing, one that failed.
    private String inUseDigest;
    private String changingDigest;
    private String failedDigest;

    private ReloadableTlsContext(TlsConfig config, Path dataDir, SslProvider provider) {
        this.config = config;
        this.dataDir = dataDir;
        this.provider = provider;
        this.watched = watchedFiles(config, dataDir);
        this.watcher = config.reloadInterval().isZero() ? null
                : Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("ternmq-tls-reload", true));
    }

    /**
     * Loads (or generates) the certificate, builds the first context and starts watching the files. Every
     * problem is a {@link ConfigException} naming the key, so start-up stops with one line.
     */
    public static ReloadableTlsContext open(TlsConfig config, Path dataDir) {
        SslProvider provider = TlsContextFactory.provider(config.engine());
        ReloadableTlsContext tls = new ReloadableTlsContext(config, dataDir, provider);
        LOG.info("TLS: {}", TlsContextFactory.describe(provider));
        List<String> legacy = config.protocols().stream().filter(TlsContextFactory.LEGACY_PROTOCOLS::contains)
                .toList();
        if (!legacy.isEmpty()) {
            LOG.warn("TLS: tls.protocols switches on {}, deprecated protocols with known weaknesses (RFC 8996); "
                    + "turn them off once no device needs them", String.join(" and ", legacy));
        }
        ServerCredentials credentials = config.usesGeneratedCertificate()
                ? GeneratedCertificate.loadOrCreate(dataDir) : configuredCredentials(config);
        tls.current = tls.build(credentials);
        synchronized (tls) {
            tls.inUseDigest = tls.digest();
        }
        logCertificate("TLS certificate", credentials);
        if (tls.watcher != null) {
            long millis = config.reloadInterval().toMillis();
            tls.watcher.scheduleWithFixedDelay(tls::poll, millis, millis, TimeUnit.MILLISECONDS);
        }
        return tls;
    }

    /** The context a connection accepted now uses. */
    public SslContext current() {
        return current.context();
    }

    /** The certificate new connections are served. */
    public ServerCredentials credentials() {
        return current.credentials();
    }

    /** For the log: the engine and what it offers. */
    public String description() {
        return TlsContextFactory.describe(provider) + ", " + String.join(", ", config.protocols())
                + ", client certificates " + config.clientAuth().name().toLowerCase(Locale.ROOT);
    }

    public TlsConfig config() {
        return config;
    }

    /**
     * Reads the files again and, if they load, serves them to new connections. Returns false, logging why, when
     * they do not; the context in use then stays. reason is for the log, e.g. "SIGHUP".
     */
    public synchronized boolean reload(String reason) {
        String digest = digest();
        try {
            ServerCredentials credentials = config.usesGeneratedCertificate()
                    ? GeneratedCertificate.load(dataDir) : configuredCredentials(config);
            current = build(credentials);
            inUseDigest = digest;
            failedDigest = null;
            changingDigest = null;
            logCertificate("TLS certificate reloaded (" + reason + ")", credentials);
            return true;
        } catch (RuntimeException e) {
            // ConfigException names the key; anything else must not take the certificate in use down either.
            failedDigest = digest;
            LOG.error("TLS certificate reload ({}) refused, new connections keep the certificate in use "
                    + "(SHA-256 {}): {}", reason, current.credentials().fingerprint(),
                    e instanceof ConfigException ? e.getMessage() : e.toString());
            return false;
        }
    }

    /**
     * One look at the files. A change is loaded once the files have stayed the same for one interval, so that a
     * certificate and its key written one after the other are read as a pair; a state that failed to load is
     * not retried (or logged) again until the files change.
     */
    synchronized void poll() {
        try {
            String digest = digest();
            if (digest.equals(inUseDigest)) {
                changingDigest = null;
            } else if (!digest.equals(changingDigest)) {
                changingDigest = digest;
            } else if (!digest.equals(failedDigest)) {
                reload("the files changed");
            }
        } catch (RuntimeException e) {
            LOG.error("TLS certificate files could not be checked for changes: {}", e.toString());
        }
    }

    private Loaded build(ServerCredentials credentials) {
        List<X509Certificate> clientCas = config.clientCaFile()
                .map(file -> PemFiles.certificates(file, "tls.client-ca-file")).orElse(null);
        return new Loaded(TlsContextFactory.build(config, provider, credentials, clientCas), credentials);
    }

    private static ServerCredentials configuredCredentials(TlsConfig config) {
        if (config.pkcs12File().isPresent()) {
            return ServerCredentials.fromPkcs12(config.pkcs12File().get(), config.pkcs12Password());
        }
        return ServerCredentials.fromPem(config.certFile().orElseThrow(), config.keyFile().orElseThrow());
    }

    private static List<Path> watchedFiles(TlsConfig config, Path dataDir) {
        List<Path> files = new ArrayList<>();
        if (config.usesGeneratedCertificate()) {
            files.add(GeneratedCertificate.certFile(dataDir));
            files.add(GeneratedCertificate.keyFile(dataDir));
        }
        config.certFile().ifPresent(files::add);
        config.keyFile().ifPresent(files::add);
        config.pkcs12File().ifPresent(files::add);
        config.clientCaFile().ifPresent(files::add);
        return List.copyOf(files);
    }

    /** SHA-256 over every watched file's content; a missing or unreadable file counts as its own state. */
    private String digest() {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        for (Path file : watched) {
            sha.update(file.toString().getBytes(StandardCharsets.UTF_8));
            try {
                sha.update((byte) 1);
                sha.update(Files.readAllBytes(file));
            } catch (IOException e) {
                sha.update((byte) 0);
                sha.update(e.getClass().getName().getBytes(StandardCharsets.UTF_8));
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static void logCertificate(String what, ServerCredentials credentials) {
        X509Certificate certificate = credentials.certificate();
        Instant notAfter = certificate.getNotAfter().toInstant();
        LOG.info("{}: {}, subject {}, valid until {}, SHA-256 fingerprint {}", what, credentials.origin(),
                certificate.getSubjectX500Principal().getName(), notAfter, credentials.fingerprint());
        Instant now = Instant.now();
        if (notAfter.isBefore(now)) {
            LOG.warn("the TLS certificate {} expired on {}: clients that check dates will refuse it",
                    credentials.origin(), notAfter);
        } else if (notAfter.isBefore(now.plus(Duration.ofDays(30)))) {
            LOG.warn("the TLS certificate {} expires on {}", credentials.origin(), notAfter);
        }
        if (certificate.getNotBefore().toInstant().isAfter(now)) {
            LOG.warn("the TLS certificate {} is not valid before {} (is this machine's clock right?)",
                    credentials.origin(), certificate.getNotBefore().toInstant());
        }
    }

    /** Stops watching the files. Connections are not affected. */
    @Override
    public void close() {
        if (watcher != null) {
            watcher.shutdownNow();
        }
    }
}
