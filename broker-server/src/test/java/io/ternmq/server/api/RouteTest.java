package io.ternmq.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.netty.handler.codec.http.HttpMethod;
import java.util.List;
import org.junit.jupiter.api.Test;

class RouteTest {

    private final Route route = new Route(HttpMethod.GET, "/api/v1/clients/{clientId}", true, r -> null);

    @Test
    void aParameterSegmentMatchesOneDecodedSegment() {
        assertEquals(List.of("lamp-7"), route.match("/api/v1/clients/lamp-7"));
        assertEquals(List.of("a b/c"), route.match("/api/v1/clients/a%20b%2Fc"));
        assertNull(route.match("/api/v1/clients"));
        assertNull(route.match("/api/v1/clients/"));
        assertNull(route.match("/api/v1/clients/a/b"));
        assertNull(route.match("/api/v1/sessions/a"));
    }
}
