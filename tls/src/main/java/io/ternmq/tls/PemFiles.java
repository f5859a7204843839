package io.ternmq.tls;

import io.ternmq.config.ConfigException;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * Reads PEM certificates and private keys (BouncyCastle's parser, the JDK's key factories). Every problem is a
 * {@link ConfigException} naming the configuration key the file came from, so start-up can stop with one line.
 */
final class PemFiles {

    /** The source shown in error lines: TLS files are checked once every configuration layer is applied. */
    static final String SOURCE = "the merged configuration";

    private PemFiles() {
    }

    /** Every CERTIFICATE block in the file, in order; at least one. */
    static List<X509Certificate> certificates(Path file, String key) {
        List<X509Certificate> certificates = new ArrayList<>();
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        try (PEMParser parser = new PEMParser(reader(file, key, "a PEM file of certificates"))) {
            Object item;
            while ((item = parser.readObject()) != null) {
                if (item instanceof X509CertificateHolder holder) {
                    certificates.add(converter.getCertificate(holder));
                }
            }
        } catch (ConfigException e) {
            throw e;
        } catch (IOException | CertificateException | RuntimeException e) {
            throw problem(file, key, "a PEM file of certificates (it cannot be parsed: " + ErrorText.of(e) + ")");
        }
        if (certificates.isEmpty()) {
            throw problem(file, key, "a PEM file holding at least one -----BEGIN CERTIFICATE----- block (it has none)");
        }
        return certificates;
    }

    /** The one private key in the file: PKCS#8, PKCS#1 RSA or SEC1 EC, unencrypted. */
    static PrivateKey privateKey(Path file, String key) {
        String allowed = "an unencrypted PEM private key (PKCS#8, PKCS#1 RSA or EC)";
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        try (PEMParser parser = new PEMParser(reader(file, key, allowed))) {
            Object item;
            while ((item = parser.readObject()) != null) {
                if (item instanceof PEMKeyPair pair) {
                    return converter.getPrivateKey(pair.getPrivateKeyInfo()); // PKCS#1 RSA, SEC1 EC
                }
                if (item instanceof PrivateKeyInfo info) {
                    return converter.getPrivateKey(info); // PKCS#8
                }
                if (item instanceof PEMEncryptedKeyPair || item instanceof PKCS8EncryptedPrivateKeyInfo) {
                    throw problem(file, key, allowed + " (this key is encrypted; write a decrypted copy with "
                            + "'openssl pkey -in KEY -out KEY.plain' and protect it with file permissions)");
                }
            }
        } catch (ConfigException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw problem(file, key, allowed + " (it cannot be parsed: " + ErrorText.of(e) + ")");
        }
        throw problem(file, key, allowed + " (the file holds no -----BEGIN ... PRIVATE KEY----- block)");
    }

    private static Reader reader(Path file, String key, String allowed) {
        try {
            if (Files.isDirectory(file)) {
                throw problem(file, key, allowed + " (it is a directory)");
            }
            return new StringReader(Files.readString(file, StandardCharsets.ISO_8859_1));
        } catch (NoSuchFileException e) {
            throw problem(file, key, allowed + " (file not found)");
        } catch (AccessDeniedException e) {
            throw problem(file, key, allowed + " (permission denied)");
        } catch (IOException e) {
            throw problem(file, key, allowed + " (it cannot be read: " + ErrorText.of(e) + ")");
        }
    }

    static ConfigException problem(Path file, String key, String allowed) {
        return ConfigException.invalidValue(key, file.toString(), allowed, SOURCE);
    }

}
