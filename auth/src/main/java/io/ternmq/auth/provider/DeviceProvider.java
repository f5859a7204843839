package io.ternmq.auth.provider;

import io.ternmq.auth.device.Device;
import io.ternmq.auth.device.DeviceRegistry;
import io.ternmq.auth.device.DeviceTopics;
import io.ternmq.auth.link.LinkClientId;
import io.ternmq.auth.link.LinkSignIn;
import io.ternmq.auth.link.LinkSignInException;
import io.ternmq.core.auth.AuthResult;
import io.ternmq.core.auth.ConnectRequest;
import io.ternmq.core.auth.DeviceId;
import io.ternmq.core.auth.Identity;
import java.util.Optional;

/**
 * The Link SDK's sign-in against the device registry: client id {@code id|securemode=3,signmethod=hmacsha1,
 * timestamp=...|}, user name {@code deviceName&productKey}, password the HMAC of the parameters keyed by the
 * device's secret. {@code securemode=2} promises TLS, so it is refused over plain TCP.
 */
public final class DeviceProvider implements ProviderChain.Provider {

    private final DeviceRegistry registry;

    public DeviceProvider(DeviceRegistry registry) {
        this.registry = registry;
    }

    @Override
    public String name() {
        return "device";
    }

    @Override
    public boolean claims(ConnectRequest request) {
        return request.presentedClientId().indexOf('|') >= 0
                || (request.username() != null && request.username().indexOf('&') > 0);
    }

    @Override
    public AuthResult authenticate(ConnectRequest request) {
        LinkClientId link;
        try {
            link = LinkSignIn.parse(request.presentedClientId());
        } catch (LinkSignInException e) {
            return bad(e.getMessage());
        }
        if (link == null) {
            return bad("a device signs in with the Link SDK's client id: id|securemode=...,signmethod=...|");
        }
        DeviceId device = LinkSignIn.parseUserName(request.username());
        if (device == null) {
            return bad("a device's user name is deviceName&productKey");
        }
        if (link.secureMode() == 2 && "tcp".equals(request.transport())) {
            return AuthResult.refused(AuthResult.Outcome.NOT_AUTHORIZED,
                    "securemode=2 needs TLS or QUIC, not plain TCP");
        }
        Optional<Device> known = registry.get(device.productKey(), device.deviceName());
        if (known.isEmpty() || request.password() == null
                || !LinkSignIn.verify(link, device, known.get().deviceSecret(), request.password())) {
            // One answer for both, so a scan cannot tell which device names exist.
            return bad("unknown device or wrong signature");
        }
        if (!known.get().enabled()) {
            return AuthResult.refused(AuthResult.Outcome.NOT_AUTHORIZED, "the device is disabled");
        }
        return AuthResult.accepted(new Identity(name(), device.toString(), device, new DeviceTopics(device)));
    }

    private static AuthResult bad(String reason) {
        return AuthResult.refused(AuthResult.Outcome.BAD_CREDENTIALS, reason);
    }
}
