package io.ternmq.auth.link;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A Link SDK client id taken apart: {@code 12345|securemode=3,signmethod=hmacsha1,timestamp=789|}.
 *
 * @param id         the bare client id before the first '|': the session is kept under it
 * @param secureMode 2 (TLS) or 3 (plain TCP), as the SDK declares it
 * @param signMethod "hmacmd5", "hmacsha1" or "hmacsha256", lower case
 * @param timestamp  the timestamp exactly as presented (it is signed as text), or null when the SDK sent none
 * @param params     every parameter in the order presented, unknown ones ({@code _v}, {@code lan}, ...) included;
 *                   unmodifiable
 */
public record LinkClientId(String id, int secureMode, String signMethod, String timestamp,
                           Map<String, String> params) {

    public LinkClientId {
        if (id == null || signMethod == null || params == null) {
            throw new IllegalArgumentException("id, signMethod and params are required");
        }
        params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
    }
}
