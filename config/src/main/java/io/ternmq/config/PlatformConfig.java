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
 * @param maxUserProperties       user properties allowed on an MQTT 5 CONNECT or PUBLISH
 * @param maxUserPropertyLength   characters of a user property's key plus its value
 * @param maxResponseTopicLength  characters of a Response Topic
 * @param maxCorrelationData      bytes of Correlation Data
 */
public record PlatformConfig(WillPolicy willMessages, RetainPolicy retainedMessages, DeliveryQos deliveryQos,
                             int keepaliveMin, int keepaliveMax, int maxUserProperties, int maxUserPropertyLength,
                             int maxResponseTopicLength, int maxCorrelationData) {

    /** The platform rules with the MQTT 5 property limits at their defaults (20, 128, 128, 128). */
    public PlatformConfig(WillPolicy willMessages, RetainPolicy retainedMessages, DeliveryQos deliveryQos,
                          int keepaliveMin, int keepaliveMax) {
        this(willMessages, retainedMessages, deliveryQos, keepaliveMin, keepaliveMax, 20, 128, 128, 128);
    }


    public PlatformConfig {
        Objects.requireNonNull(willMessages, "willMessages");
        Objects.requireNonNull(retainedMessages, "retainedMessages");
        Objects.requireNonNull(deliveryQos, "deliveryQos");
    }
}
