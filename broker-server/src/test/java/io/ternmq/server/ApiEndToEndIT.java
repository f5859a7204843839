package io.ternmq.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin API of the jar, as an operator and a business server use it: curl for HTTP, mosquitto_sub as the
 * device. The token is generated into the data directory, readable by the broker's user only, and never logged.
 */
class ApiEndToEndIT {

    @TempDir
    Path dir;

    @Test
    void curlPublishesToMosquittoSubWithUserPropertiesInOrder() throws Exception {
        MosquittoEndToEndIT.requireMosquittoClients();
        int port = TestBroker.freePort();
        int http = TestBroker.freePort();
        try (JarProcess jar = JarProcess.start(dir, Map.of(), "--tcp-port", Integer.toString(port), "--tls-port", "0",
                "--http-port", Integer.toString(http))) {
            assertTrue(jar.awaitLine("ternmq ready", 30_000), jar.output.toString());
            Path tokenFile = dir.resolve("data/admin-token");
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile)));
            String token = Files.readString(tokenFile).strip();
            assertTrue(jar.output.stream().anyMatch(l -> l.contains("admin API token generated into "
                    + tokenFile.toAbsolutePath().normalize())), jar.output.toString());
            String base = "http://127.0.0.1:" + http;

            assertEquals(List.of("200", "{\"status\":\"up\"}"), curl(base + "/health"));
            try (MosquittoSub sub = MosquittoSub.subscribed("-h", "127.0.0.1", "-p", Integer.toString(port),
                    "-V", "mqttv5", "-q", "1", "-t", "e2e/api/#", "-F", "%t|%p|%P", "-C", "1", "-W", "20")) {
                List<String> published = curl("-X", "POST", "-H", "Authorization: Bearer " + token,
                        "-H", "Content-Type: application/json", "--data",
                        "{\"topic\": \"e2e/api/lamp\", \"payload\": \"on\", \"qos\": 1, \"userProperties\": "
                                + "[[\"z\", \"1\"], [\"a\", \"2\"], [\"m\", \"3\"]]}", base + "/api/v1/publish");
                assertEquals(List.of("200", "{\"reached\":1}"), published);
                assertTrue(sub.awaitExit(20, TimeUnit.SECONDS), sub.output());
                assertEquals(List.of("e2e/api/lamp|on|z:1 a:2 m:3"), sub.messages(), sub.output());
            }
            List<String> retained = curl("-X", "POST", "-H", "Authorization: Bearer " + token, "--data",
                    "{\"topic\": \"e2e/api/lamp\", \"retain\": true}", base + "/api/v1/publish");
            assertEquals("400", retained.get(0));
            assertTrue(retained.get(1).contains("\"rule\":\"retain\""), retained.toString());
            List<String> qos2 = curl("-X", "POST", "-H", "Authorization: Bearer " + token, "--data",
                    "{\"topic\": \"e2e/api/lamp\", \"qos\": 2}", base + "/api/v1/publish");
            assertEquals("400", qos2.get(0));
            assertTrue(qos2.get(1).contains("\"rule\":\"qos\""), qos2.toString());
            assertEquals("401", curl(base + "/api/v1/clients").get(0));
            // curl sends Expect: 100-continue for a large body: it is refused before the body is sent, as JSON.
            Path big = Files.writeString(dir.resolve("big.json"), "{\"topic\": \"t\", \"payload\": \""
                    + "x".repeat(70_000) + "\"}");
            List<String> tooLarge = curl("-X", "POST", "-H", "Authorization: Bearer " + token, "-H",
                    "Expect: 100-continue", "--data-binary", "@" + big, base + "/api/v1/publish");
            assertEquals("413", tooLarge.get(0), tooLarge.toString());
            assertTrue(tooLarge.get(1).contains("\"code\":\"body-too-large\""), tooLarge.toString());
            assertEquals(List.of("200", "{\"status\":\"up\"}"), curl(base + "/health"));

            jar.terminate();
            assertEquals(0, jar.awaitExit(30));
            assertFalse(jar.output.stream().anyMatch(l -> l.contains(token)), "the token is never logged");
            assertTrue(jar.output.stream().anyMatch(l -> l.contains("POST /api/v1/publish 200")),
                    "the audit line of the publish: " + jar.output);
        }
    }

    @Test
    void httpsServesTheApiWithTheBrokersCertificate() throws Exception {
        int http = TestBroker.freePort();
        try (JarProcess jar = JarProcess.start(dir, Map.of("TERNMQ_LISTENERS_HTTP_TLS", "true"), "--tcp-port",
                Integer.toString(TestBroker.freePort()), "--tls-port", "0", "--http-port", Integer.toString(http))) {
            assertTrue(jar.awaitLine("ternmq ready", 30_000), jar.output.toString());
            assertTrue(jar.output.stream().anyMatch(l -> l.contains("admin API listening on https://127.0.0.1:"
                    + http)), jar.output.toString());
            Path cert = dir.resolve("data/tls/ternmq-cert.pem");
            assertEquals(List.of("200", "{\"status\":\"up\"}"),
                    curl("--cacert", cert.toString(), "https://localhost:" + http + "/health"));
            List<String> plain = curl("http://127.0.0.1:" + http + "/health");
            assertFalse(plain.get(0).equals("200"), "plain HTTP is not served on the HTTPS port: " + plain);
        }
    }

    /** Runs curl; returns the status code and the body. */
    private static List<String> curl(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("curl", "-s", "-S", "--max-time", "20", "-w", "\n%{http_code}"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        int cut = out.lastIndexOf('\n');
        return List.of(out.substring(cut + 1), out.substring(0, Math.max(0, cut)));
    }
}
