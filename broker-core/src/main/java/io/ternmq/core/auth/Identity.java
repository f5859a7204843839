package io.ternmq.core.auth;

/**
 * Who a connection signed in as, fixed for its life.
 *
 * @param provider    the provider that let it in: "device", "password-file", "x509" or "anonymous"
 * @param name        how logs and the admin API name it: "pk/dn" for a device, the user name, or "anonymous"
 * @param device      the registered device it is, or null for a user or an anonymous client
 * @param permissions where it may publish, subscribe and receive
 */
public record Identity(String provider, String name, DeviceId device, Permissions permissions) {

    public static final Identity ANONYMOUS = new Identity("anonymous", "anonymous", null, Permissions.ALL);

    public Identity {
        if (provider == null || name == null || permissions == null) {
            throw new IllegalArgumentException("provider, name and permissions are required");
        }
    }
}
