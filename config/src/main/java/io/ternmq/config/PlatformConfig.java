package io.ternmq.config;

import java.util.Objects;

/**
 * The platform profile: the rules the broker applies on top of the MQTT specification.
 *
 * @param willMessages     what happens to a CONNECT carrying a will
 * @param retainedMessages what happens to a PUBLISH with RETAIN=1
 * @param deliveryQos      which QoS a subscriber receives
 * @param keepaliveMin     smallest accepted keepalive in seconds; smaller values are clamped up
 * @param keepaliveMax     largest accepted keepalive in seconds; larger values and 0 are clamped down
 */
public record PlatformConfig(WillPolicy willMessages, RetainPolicy retainedMessages, DeliveryQos deliveryQos,
                             int keepaliveMin, int keepaliveMax) {

    public PlatformConfig {
        Objects.requireNonNull(willMessages, "willMessages");
        Objects.requireNonNull(retainedMessages, "retainedMessages");
        Objects.requireNonNull(deliveryQos, "deliveryQos");
    }
}
