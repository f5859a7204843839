package io.ternmq.server.api;

import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * What an endpoint answers: a status and a body, JSON (an object Jackson writes) or text (the Prometheus
 * exposition).
 *
 * @param json        the object to write as JSON, or null
 * @param text        the text body, or null
 * @param contentType of the text body
 */
record ApiResponse(HttpResponseStatus status, Object json, String text, String contentType) {

    static ApiResponse ok(Object json) {
        return new ApiResponse(HttpResponseStatus.OK, json, null, null);
    }

    static ApiResponse of(HttpResponseStatus status, Object json) {
        return new ApiResponse(status, json, null, null);
    }

    static ApiResponse text(String text, String contentType) {
        return new ApiResponse(HttpResponseStatus.OK, null, text, contentType);
    }
}
