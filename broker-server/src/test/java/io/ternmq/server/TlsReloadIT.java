package io.ternmq.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ternmq.tls.ServerCredentials;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Certificate rotation without a restart: the operator replaces the files, new connections get the new
 * certificate, connections already open stay up; a broken file changes nothing.
 */
class TlsReloadIT {

    @TempDir
    Path dir;
    private Path certFile;
    private Path keyFile;
    private TestPki.Issued first;
    private TestBroker broker;

    @BeforeEach
    void startBroker() throws Exception {
        first = TestPki.selfSignedServer("broker-2025");
        certFile = first.writeCertificate(dir.resolve("server.pem"));
        keyFile = first.writeKey(dir.resolve("server.key"));
        broker = TestBroker.start(Map.of("TERNMQ_TLS_CERT_FILE", certFile.toString(),
                "TERNMQ_TLS_KEY_FILE", keyFile.toString(), "TERNMQ_TLS_RELOAD_INTERVAL", "100ms"));
    }

    @AfterEach
    void stopBroker() throws Exception {
        broker.close();
    }

    /** As a deployment tool does it: each file written beside its target and renamed over it. */
    private void install(TestPki.Issued issued) throws Exception {
        Files.move(issued.writeKey(dir.resolve("server.key.new")), keyFile, StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
        Files.move(issued.writeCertificate(dir.resolve("server.pem.new")), certFile,
                StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private String awaitServedFingerprint(String expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        String served = TlsClients.fingerprintServed(broker.tlsPort);
        while (!served.equals(expected) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            served = TlsClients.fingerprintServed(broker.tlsPort);
        }
        return served;
    }

    @Test
    void replacedCertificateIsServedToNewConnectionsWhileOpenOnesKeepWorking() throws Exception {
        String oldFingerprint = ServerCredentials.fingerprint(first.certificate());
        assertEquals(oldFingerprint, TlsClients.fingerprintServed(broker.tlsPort));
        try (PahoClients.Client old = TlsClients.paho3(broker.tlsUri(), "before-rotation",
                TlsClients.trusting(certFile))) {
            old.paho.subscribe("rotation/#", 1);

            TestPki.Issued second = TestPki.selfSignedServer("broker-2026");
            Path secondCopy = second.writeCertificate(dir.resolve("second.pem"));
            install(second);
            String newFingerprint = ServerCredentials.fingerprint(second.certificate());
            assertNotEquals(oldFingerprint, newFingerprint);
            assertEquals(newFingerprint, awaitServedFingerprint(newFingerprint),
                    "new connections must get the replaced certificate without a restart");

            // A client that trusts only the new certificate connects and talks to the one from before.
            try (PahoClients.Client fresh = TlsClients.paho3(broker.tlsUri(), "after-rotation",
                    TlsClients.trusting(secondCopy))) {
                fresh.publish("rotation/hello", "still here?", 1);
            }
            PahoClients.Received r = old.next();
            assertNotNull(r, "the connection opened before the rotation must keep working");
            assertEquals("still here?", r.text());
            assertTrue(old.paho.isConnected());
            assertTrue(old.lost.isEmpty(), "the old connection was dropped: " + old.lost);
        }
    }

    @Test
    void brokenReplacementIsRefusedAndTheCertificateInUseStays() throws Exception {
        String inUse = ServerCredentials.fingerprint(first.certificate());
        Files.writeString(certFile, "-----BEGIN CERTIFICATE-----\nbroken\n-----END CERTIFICATE-----\n");
        assertFalse(broker.server.reloadTls("test"), "a broken certificate file must not load");
        assertEquals(inUse, TlsClients.fingerprintServed(broker.tlsPort));

        // A certificate whose key is not the one in the key file is refused too.
        TestPki.Issued other = TestPki.selfSignedServer("mismatch");
        other.writeCertificate(certFile);
        assertFalse(broker.server.reloadTls("test"), "a certificate without its key must not load");
        assertEquals(inUse, TlsClients.fingerprintServed(broker.tlsPort));

        // The poller has seen the broken states too and changed nothing; a good pair then loads.
        Thread.sleep(300);
        assertEquals(inUse, TlsClients.fingerprintServed(broker.tlsPort));
        TestPki.Issued good = TestPki.selfSignedServer("repaired");
        install(good);
        String repaired = ServerCredentials.fingerprint(good.certificate());
        assertEquals(repaired, awaitServedFingerprint(repaired));
    }
}
