package io.ternmq.tls;

import io.ternmq.config.ConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * The server's private key and certificate chain (its own certificate first), checked to belong together.
 *
 * @param privateKey the key of {@link #certificate()}
 * @param chain      the server certificate followed by any intermediates
 * @param origin     where it came from, for the log: a path, and whether the broker generated it
 */
public record ServerCredentials(PrivateKey privateKey, List<X509Certificate> chain, String origin) {

    public ServerCredentials {
        chain = List.copyOf(chain);
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("empty certificate chain");
        }
    }

    /** The server's own certificate. */
    public X509Certificate certificate() {
        return chain.get(0);
    }

    /** SHA-256 of the server certificate, as a client pins it: upper-case hex pairs joined by colons. */
    public String fingerprint() {
        return fingerprint(certificate());
    }

    public static String fingerprint(X509Certificate certificate) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalStateException("cannot fingerprint a certificate", e);
        }
    }

    /** tls.cert-file and tls.key-file. */
    static ServerCredentials fromPem(Path certFile, Path keyFile) {
        List<X509Certificate> chain = PemFiles.certificates(certFile, "tls.cert-file");
        PrivateKey key = PemFiles.privateKey(keyFile, "tls.key-file");
        requireMatch(key, chain.get(0), () -> PemFiles.problem(keyFile, "tls.key-file",
                "the private key of the first certificate in tls.cert-file = " + certFile
                        + " (this key belongs to another certificate)"));
        return new ServerCredentials(key, chain, certFile.toString());
    }

    /** tls.pkcs12-file: the first key entry of the keystore and its chain. */
    static ServerCredentials fromPkcs12(Path file, String password) {
        String key = "tls.pkcs12-file";
        String allowed = "a PKCS#12 keystore holding a private key and its certificate chain";
        KeyStore store;
        try (InputStream in = Files.newInputStream(file)) {
            store = KeyStore.getInstance("PKCS12");
            store.load(in, password.toCharArray());
        } catch (NoSuchFileException e) {
            throw PemFiles.problem(file, key, allowed + " (file not found)");
        } catch (AccessDeniedException e) {
            throw PemFiles.problem(file, key, allowed + " (permission denied)");
        } catch (IOException e) {
            if (e.getCause() instanceof UnrecoverableKeyException) {
                throw wrongPassword(file);
            }
            throw PemFiles.problem(file, key, allowed + " (it cannot be read: " + ErrorText.of(e) + ")");
        } catch (GeneralSecurityException | RuntimeException e) {
            throw PemFiles.problem(file, key, allowed + " (it cannot be read: " + ErrorText.of(e) + ")");
        }
        try {
            for (String alias : Collections.list(store.aliases())) {
                if (!store.isKeyEntry(alias)) {
                    continue;
                }
                Key entry = store.getKey(alias, password.toCharArray());
                Certificate[] certificates = store.getCertificateChain(alias);
                if (entry instanceof PrivateKey privateKey && certificates != null && certificates.length > 0) {
                    List<X509Certificate> chain = new ArrayList<>();
                    for (Certificate c : certificates) {
                        chain.add((X509Certificate) c);
                    }
                    requireMatch(privateKey, chain.get(0), () -> PemFiles.problem(file, key,
                            allowed + " (the key entry '" + alias + "' does not match its certificate)"));
                    return new ServerCredentials(privateKey, chain, file.toString());
                }
            }
        } catch (UnrecoverableKeyException e) {
            throw wrongPassword(file);
        } catch (GeneralSecurityException | ClassCastException e) {
            throw PemFiles.problem(file, key, allowed + " (" + ErrorText.of(e) + ")");
        }
        throw PemFiles.problem(file, key, allowed + " (it has no private key entry)");
    }

    private static ConfigException wrongPassword(Path file) {
        // The password is never echoed.
        return ConfigException.invalidValue("tls.pkcs12-password", "(hidden)",
                "the password of tls.pkcs12-file = " + file + " (the keystore cannot be opened with it)",
                PemFiles.SOURCE);
    }

    /**
     * Signs with the private key and verifies with the certificate's public key: the one check that works for
     * RSA, EC and EdDSA alike.
     */
    static void requireMatch(PrivateKey key, X509Certificate certificate, Supplier<ConfigException> mismatch) {
        String algorithm = switch (key.getAlgorithm().toUpperCase(Locale.ROOT)) {
            case "RSA" -> "SHA256withRSA";
            case "EC", "ECDSA" -> "SHA256withECDSA";
            case "ED25519", "ED448", "EDDSA" -> key.getAlgorithm();
            case "DSA" -> "SHA256withDSA";
            default -> null;
        };
        if (algorithm == null) {
            return; // an unusual key type: the TLS engine will refuse it if it cannot use it
        }
        byte[] probe = "ternmq key check".getBytes(StandardCharsets.US_ASCII);
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(probe);
            if (!verifier.verify(signature)) {
                throw mismatch.get();
            }
        } catch (GeneralSecurityException e) {
            throw mismatch.get(); // e.g. an RSA key against an EC certificate
        }
    }
}
