package io.ternmq.auth.provider;

import io.ternmq.auth.limit.SignInLimiter;
import io.ternmq.auth.link.LinkSignIn;
import io.ternmq.core.auth.AuthResult;
import io.ternmq.core.auth.Authenticator;
import io.ternmq.core.auth.ConnectRequest;
import io.ternmq.core.log.LogText;
import io.ternmq.core.log.RepeatLimitedLog;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The configured providers, asked in order: the first that claims a CONNECT judges it, so a client that presents
 * credentials is judged by them even where anonymous clients are allowed (as Mosquitto does). Credentials no
 * provider claims are refused. Failed sign-ins of slow providers (a password hash) are counted per address; an
 * address over the limit is refused their sign-ins without a hash, so a brute-force run cannot burn CPU. Every sign-in and refusal goes to
 * the audit log ({@code ternmq.audit}) with the identity and the provider, never a secret.
 */
public final class ProviderChain implements Authenticator {

    /** One way of signing in. Implementations are thread-safe; they run on the sign-in executor. */
    public interface Provider {
        /** "device", "password-file", "x509", "anonymous". */
        String name();

        /** Whether this CONNECT is this provider's to judge (from its shape alone: quick, no lookups). */
        boolean claims(ConnectRequest request);

        AuthResult authenticate(ConnectRequest request);

        /** True when judging costs real CPU (a password hash): such sign-ins wait in a queue of their own. */
        default boolean slow() {
            return false;
        }
    }

    private static final Logger AUDIT = LoggerFactory.getLogger("ternmq.audit");
    private static final Logger LOG = LoggerFactory.getLogger(ProviderChain.class);

    private final List<Provider> providers;
    private final SignInLimiter limiter;
    private final LongSupplier clock;
    private final boolean linkClientIds;
    private final RepeatLimitedLog refusals;

    public ProviderChain(List<Provider> providers, SignInLimiter limiter, LongSupplier clock, Duration repeatInterval) {
        this.providers = List.copyOf(providers);
        this.limiter = limiter;
        this.clock = clock;
        this.linkClientIds = this.providers.stream().anyMatch(p -> p.name().equals("device"));
        this.refusals = new RepeatLimitedLog(AUDIT, repeatInterval);
    }

    @Override
    public String sessionClientId(String presented) {
        // With the device provider a Link SDK client id's parameters are not part of the session's id.
        return linkClientIds ? LinkSignIn.bareClientId(presented) : presented;
    }

    /** The provider that will judge it hashes a password; a banned address's attempts are quick either way. */
    @Override
    public boolean slow(ConnectRequest request) {
        for (Provider provider : providers) {
            if (provider.claims(request)) {
                return provider.slow();
            }
        }
        return false;
    }

    @Override
    public AuthResult authenticate(ConnectRequest request) {
        InetAddress address = address(request);
        long now = clock.getAsLong();
        for (Provider provider : providers) {
            if (provider.claims(request)) {
                // The limit guards what costs CPU, a password hash: a device's HMAC is cheap, and a device with a
                // wrong secret behind a NAT must not lock out every device at that address.
                boolean limited = provider.slow() && address != null;
                if (limited && limiter.blocked(address, now)) {
                    return refused(request, "limit", AuthResult.refused(AuthResult.Outcome.BANNED,
                            "too many failed sign-ins from this address"));
                }
                AuthResult result = provider.authenticate(request);
                if (result.accepted()) {
                    AUDIT.info("sign-in of {} from {} over {}: {} by {}", LogText.of(request.clientId()),
                            request.remoteAddress(), request.transport(), LogText.of(result.identity().name()),
                            provider.name());
                    return result;
                }
                return failed(request, limited ? address : null, now, provider.name(), result);
            }
        }
        boolean credentials = request.username() != null || request.password() != null
                || request.tlsIdentity() != null;
        return failed(request, null, now, "none", credentials
                ? AuthResult.refused(AuthResult.Outcome.BAD_CREDENTIALS, "no provider accepts these credentials")
                : AuthResult.refused(AuthResult.Outcome.NOT_AUTHORIZED, "anonymous clients are not allowed"));
    }


    private AuthResult failed(ConnectRequest request, InetAddress address, long now, String provider,
                              AuthResult result) {
        if (address != null && result.outcome() == AuthResult.Outcome.BAD_CREDENTIALS
                && limiter.failed(address, now)) {
            LOG.warn("refusing sign-ins from {} for a while: too many failed sign-ins within a minute "
                    + "(auth.max-failures-per-minute)", address.getHostAddress());
        }
        return refused(request, provider, result);
    }

    private AuthResult refused(ConnectRequest request, String provider, AuthResult result) {
        refusals.info(provider + " " + result.outcome(), "sign-in of {} from {} over {} refused by {}: {}",
                LogText.of(request.clientId()), request.remoteAddress(), request.transport(), provider,
                result.reason());
        return result;
    }

    private static InetAddress address(ConnectRequest request) {
        return request.remoteAddress() instanceof InetSocketAddress inet ? inet.getAddress() : null;
    }
}
