package io.ternmq.server.api;

import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * A request the API answers with an error: the HTTP status and the JSON body {@code {"code", "message"}} (and
 * {@code "field"} when one field of the request is to blame). Thrown by the endpoints, written by
 * {@link ApiHandler}; never carries a stack trace to the caller.
 */
final class ApiException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient HttpResponseStatus status;
    private final String code;
    private final String field;
    private final String rule;

    ApiException(HttpResponseStatus status, String code, String field, String message) {
        this(status, code, field, null, message);
    }

    private ApiException(HttpResponseStatus status, String code, String field, String rule, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.field = field;
        this.rule = rule;
    }

    /** 400 naming the field: missing, of the wrong type, or out of range. */
    static ApiException badField(String field, String message) {
        return new ApiException(HttpResponseStatus.BAD_REQUEST, "invalid-field", field, field + ": " + message);
    }

    /** 400: the message breaks a platform rule, named as in {@code ternmq_rule_refusals_total}. */
    static ApiException rule(String rule, String field, String message) {
        return new ApiException(HttpResponseStatus.BAD_REQUEST, "platform-rule", field, rule, message);
    }

    static ApiException notFound(String message) {
        return new ApiException(HttpResponseStatus.NOT_FOUND, "not-found", null, message);
    }

    static ApiException unavailable(String code, String message) {
        return new ApiException(HttpResponseStatus.SERVICE_UNAVAILABLE, code, null, message);
    }

    HttpResponseStatus status() {
        return status;
    }

    String code() {
        return code;
    }

    /** The platform rule broken, or null. */
    String rule() {
        return rule;
    }

    /** The request field to blame, or null. */
    String field() {
        return field;
    }
}
