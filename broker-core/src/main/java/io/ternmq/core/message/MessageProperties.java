package io.ternmq.core.message;

import java.util.List;

/**
 * The MQTT 5 properties of a PUBLISH that travel with the message to every subscriber, unchanged and in order
 * (MQTT-3.3.2-4 for Payload Format Indicator, MQTT-3.3.2-17/18 for User Properties, and the rest the same way).
 * Per-hop properties (Topic Alias, Message Expiry's remaining time) are not here.
 *
 * @param payloadFormatIndicator 0 or 1, or null when absent
 * @param contentType            or null
 * @param responseTopic          or null
 * @param correlationData        or null; never modified
 * @param userProperties         in the order the publisher sent them
 */
public record MessageProperties(Integer payloadFormatIndicator, String contentType, String responseTopic,
                                byte[] correlationData, List<UserProperty> userProperties) {

    public static final MessageProperties NONE = new MessageProperties(null, null, null, null, List.of());

    public MessageProperties {
        userProperties = List.copyOf(userProperties);
    }

}
