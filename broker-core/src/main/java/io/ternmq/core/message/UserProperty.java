package io.ternmq.core.message;

/** One MQTT 5 user property; order and duplicates matter and are kept. */
public record UserProperty(String key, String value) {
}
