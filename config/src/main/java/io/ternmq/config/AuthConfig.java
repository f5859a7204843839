package io.ternmq.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Who may connect and where they may go: the {@code auth} section.
 *
 * @param providers         the authentication providers, asked in this order: {@code device} (the device registry
 *                          and the Link SDK's signature), {@code password-file}, {@code x509}, {@code anonymous}
 * @param passwordFile      the Mosquitto-format password file of the {@code password-file} provider
 * @param aclFile           a Mosquitto-format ACL file for users of the password file, X.509 users and anonymous
 *                          clients; none: they may use every topic
 * @param x509Identity      which name of a client certificate is its identity: cn, san-dns, san-uri or san-email
 * @param maxFailuresPerMinute failed sign-ins from one address within a minute before it is refused for
 *                          {@code blockTime}; 0: never
 * @param blockTime         how long such an address is refused
 * @param threads           the sign-in threads (password hashes run there); 0: one per core
 * @param maxPending        sign-ins waiting for a thread; the next is refused with 0x89 / 0x03
 * @param reloadInterval    how often the password and ACL files are checked for changes; 0: never
 */
public record AuthConfig(List<String> providers, Optional<Path> passwordFile, Optional<Path> aclFile,
                         String x509Identity, int maxFailuresPerMinute, Duration blockTime, int threads,
                         int maxPending, Duration reloadInterval) {

    public AuthConfig {
        providers = List.copyOf(providers);
        Objects.requireNonNull(passwordFile, "passwordFile");
        Objects.requireNonNull(aclFile, "aclFile");
    }

    public boolean uses(String provider) {
        return providers.contains(provider);
    }
}
