package io.ternmq.server.api;

import java.util.Base64;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Reads the fields of one JSON object of a request body, each checked for its type and range; a wrong one is a
 * 400 naming it by its path in the body ({@code qos}, or {@code [2].qos} in a batch). Unknown fields are refused
 * too: a misspelt optional field must not be ignored silently.
 */
final class JsonFields {

    private final JsonNode node;
    private final String prefix;

    /** @param prefix the object's path in the body, "" for the body itself */
    JsonFields(JsonNode node, String prefix, Set<String> known) {
        if (!node.isObject()) {
            throw ApiException.badField(prefix.isEmpty() ? "body" : prefix, "a JSON object is required");
        }
        this.node = node;
        this.prefix = prefix;
        for (String name : node.propertyNames()) {
            if (!known.contains(name)) {
                throw ApiException.badField(path(name), "unknown field; known: "
                        + String.join(", ", known.stream().sorted().toList()));
            }
        }
    }

    String path(String name) {
        return prefix.isEmpty() ? name : prefix + "." + name;
    }

    boolean has(String name) {
        JsonNode v = node.get(name);
        return v != null && !v.isNull();
    }

    JsonNode get(String name) {
        return node.get(name);
    }

    /** A string field; null when absent and not required. */
    String string(String name, boolean required) {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            if (required) {
                throw ApiException.badField(path(name), "required");
            }
            return null;
        }
        if (!v.isString()) {
            throw ApiException.badField(path(name), "a string is required");
        }
        return v.stringValue();
    }

    long integer(String name, long defaultValue, long min, long max) {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            return defaultValue;
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < min || v.longValue() > max) {
            throw ApiException.badField(path(name), "an integer from " + min + " to " + max + " is required");
        }
        return v.longValue();
    }

    boolean bool(String name, boolean defaultValue) {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            return defaultValue;
        }
        if (!v.isBoolean()) {
            throw ApiException.badField(path(name), "true or false is required");
        }
        return v.booleanValue();
    }

    /** A base64 string field, decoded; null when absent. */
    byte[] base64(String name) {
        String text = string(name, false);
        if (text == null) {
            return null;
        }
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw ApiException.badField(path(name), "base64 is required (" + e.getMessage() + ")");
        }
    }
}
