package io.ternmq.server.api;

import io.netty.handler.codec.http.HttpMethod;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * One API call as the endpoints see it: the matched route's path parameters (decoded), the query, the body.
 * The query helpers check each parameter and throw a 400 that names it.
 *
 * @param pathParams  the values of the route's {@code {...}} segments, in order
 * @param contentType the Content-Type header, or null
 */
record ApiRequest(HttpMethod method, String path, List<String> pathParams, Map<String, List<String>> query,
                  String contentType, byte[] body, InetSocketAddress remote) {

    String pathParam(int i) {
        return pathParams.get(i);
    }

    /** The query parameter's value, or null when absent; a parameter given twice is a 400. */
    String query(String name) {
        List<String> values = query.get(name);
        if (values == null || values.isEmpty()) {
            return null;
        }
        if (values.size() > 1) {
            throw ApiException.badField(name, "given " + values.size() + " times, expected once");
        }
        return values.get(0);
    }

    /** An integer query parameter in [min, max], or the default when absent. */
    int intQuery(String name, int defaultValue, int min, int max) {
        String raw = query(name);
        if (raw == null) {
            return defaultValue;
        }
        try {
            int value = Integer.parseInt(raw);
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw ApiException.badField(name, "an integer from " + min + " to " + max + ", not '" + raw + "'");
    }

    /** A query parameter that must be one of these words, or null when absent. */
    String wordQuery(String name, Set<String> allowed) {
        String raw = query(name);
        if (raw != null && !allowed.contains(raw)) {
            throw ApiException.badField(name, "one of " + String.join(", ", allowed.stream().sorted().toList())
                    + ", not '" + raw + "'");
        }
        return raw;
    }

    /** Only these query parameters are understood; any other is a 400 (a typo must not filter nothing). */
    void onlyQuery(Set<String> known) {
        for (String name : query.keySet()) {
            if (!known.contains(name)) {
                throw ApiException.badField(name, "unknown query parameter; known: "
                        + (known.isEmpty() ? "none" : String.join(", ", known.stream().sorted().toList())));
            }
        }
    }

    /** The body as JSON; malformed JSON or an empty body is a 400 naming {@code body}. */
    JsonNode json() {
        if (body.length == 0) {
            throw ApiException.badField("body", "a JSON body is required");
        }
        try {
            JsonNode node = Json.MAPPER.readTree(body);
            if (node == null || node.isMissingNode()) {
                throw ApiException.badField("body", "a JSON body is required");
            }
            return node;
        } catch (JacksonException e) {
            throw ApiException.badField("body", "malformed JSON: " + Json.describe(e));
        }
    }
}
