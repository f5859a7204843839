package io.ternmq.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The admin API's own settings: api.metrics-auth, api.token-file, api.max-body-bytes. */
class AdminApiConfigIT {

    @TempDir
    Path dir;

    @Test
    void metricsAuthPutsMetricsBehindTheTokenAndHealthStaysOpen() throws Exception {
        try (TestBroker broker = TestBroker.start(Map.of("TERNMQ_API_METRICS_AUTH", "true"))) {
            ApiClient api = broker.api();
            ApiClient anonymous = api.withToken(null);
            assertEquals(401, anonymous.get("/metrics").status());
            assertEquals(200, api.get("/metrics").status());
            assertEquals(200, anonymous.get("/health").status());
        }
    }

    @Test
    void anOperatorsTokenFileIsTheTokenAndNothingIsGenerated() throws Exception {
        Path tokenFile = Files.writeString(dir.resolve("token"), "operator-chosen-token-1234\n");
        try (TestBroker broker = TestBroker.start(Map.of("TERNMQ_API_TOKEN_FILE", tokenFile.toString(),
                "TERNMQ_API_MAX_BODY_BYTES", "2KiB"))) {
            ApiClient api = new ApiClient("http://127.0.0.1:" + broker.httpPort, "operator-chosen-token-1234");
            assertEquals(200, api.get("/api/v1/clients").status());
            assertEquals(401, api.withToken("operator-chosen-token-12345").get("/api/v1/clients").status());
            assertFalse(Files.exists(broker.dataDir.resolve("admin-token")), "no token generated");
            ApiClient.Reply big = api.post("/api/v1/publish", "{\"topic\": \"t\", \"payload\": \"" + "x".repeat(3000)
                    + "\"}");
            assertEquals(413, big.status(), "api.max-body-bytes 2KiB");
            assertEquals(200, api.post("/api/v1/publish", "{\"topic\": \"t\", \"payload\": \"" + "x".repeat(1000)
                    + "\"}").status());
        }
    }
}
