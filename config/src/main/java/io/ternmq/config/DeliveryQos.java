package io.ternmq.config;

/** Which QoS a subscriber receives ({@code platform.delivery-qos}). QoS 2 is never supported. */
public enum DeliveryQos {
    /** The publisher's QoS, whatever the subscription asked; SUBACK grants 1 for every accepted filter. */
    PUBLISHER,
    /** min(publisher QoS, subscription QoS) as in the MQTT specification; SUBACK grants min(requested, 1). */
    STANDARD
}
