package io.ternmq.server.api;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/** The one JSON mapper of the admin API: records in, records out, no hand-written JSON. */
final class Json {

    static final JsonMapper MAPPER = JsonMapper.builder().build();

    private Json() {
    }

    /** A parse error in words, without Jackson's source excerpt. */
    static String describe(JacksonException e) {
        String message = e.getOriginalMessage();
        var location = e.getLocation();
        return location == null ? message
                : message + " at line " + location.getLineNr() + ", column " + location.getColumnNr();
    }
}
