package io.ternmq.server.api;

import io.netty.handler.codec.http.HttpMethod;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * One path template and method of the API, e.g. {@code GET /api/v1/clients/{clientId}}: a {@code {name}} segment
 * matches any one non-empty segment of the raw path, percent-decoded once ({@code %2F} is a slash inside the
 * value, {@code +} stays a plus). The templates are the paths of docs/openapi.yaml.
 *
 * @param authenticated whether the call needs the bearer token ({@code /metrics}: as api.metrics-auth says)
 */
record Route(HttpMethod method, String template, boolean authenticated, Endpoint endpoint) {

    /** What a route does; it may answer later (from a session's owner), or throw {@link ApiException}. */
    interface Endpoint {
        CompletionStage<ApiResponse> handle(ApiRequest request);
    }

    /**
     * The decoded values of the template's parameters, or null when the raw (still percent-encoded) path does not
     * fit the template. Throws IllegalArgumentException for a malformed escape.
     */
    List<String> match(String rawPath) {
        String[] want = template.split("/", -1);
        String[] got = rawPath.split("/", -1);
        if (want.length != got.length) {
            return null;
        }
        List<String> params = new ArrayList<>(1);
        for (int i = 0; i < want.length; i++) {
            if (want[i].startsWith("{")) {
                String value = decodeSegment(got[i]);
                if (value.isEmpty()) {
                    return null;
                }
                params.add(value);
            } else if (!want[i].equals(decodeSegment(got[i]))) {
                return null;
            }
        }
        return params;
    }

    /** One path segment, percent-decoded as UTF-8; a '+' is a plus (only forms make it a space). */
    static String decodeSegment(String raw) {
        return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
