package io.ternmq.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigKeysTest {

    private static final Path DOCS = Path.of("..", "docs", "configuration.md");

    @Test
    void keysListsEveryKeyInDocumentationOrder() {
        assertEquals(List.of(
                "listeners.bind", "listeners.tcp-port", "listeners.tls-port", "listeners.quic-port",
                "listeners.http-port", "listeners.http-tls", "listeners.io-threads", "data-dir", "allow-anonymous",
                "limits.max-connections", "limits.max-packet-size", "limits.max-payload", "limits.max-topic-length",
                "limits.max-client-id-length", "limits.max-queued-messages", "limits.max-queued-bytes", "limits.max-inflight",
                "limits.connect-timeout", "limits.receive-maximum", "limits.topic-alias-maximum",
                "limits.max-subscriptions-per-session", "limits.max-session-expiry",
                "platform.will-messages", "platform.retained-messages", "platform.delivery-qos",
                "platform.keepalive-min", "platform.keepalive-max", "platform.max-user-properties",
                "platform.max-user-property-length", "platform.max-response-topic-length",
                "platform.max-correlation-data",
                "tls.cert-file", "tls.key-file", "tls.pkcs12-file", "tls.pkcs12-password", "tls.client-auth",
                "tls.client-ca-file", "tls.protocols", "tls.ciphers", "tls.engine", "tls.handshake-timeout",
                "tls.max-pending-handshakes", "tls.reload-interval",
                "quic.max-connections", "quic.max-streams", "quic.initial-max-data", "quic.initial-max-stream-data",
                "quic.handshake-timeout", "quic.stateless-retry", "quic.early-data", "quic.session-lifetime",
                "quic.sockets", "quic.max-ack-delay", "storage.durability", "storage.sync-interval",
                "storage.max-bytes",
                "api.token-file", "api.metrics-auth", "api.max-body-bytes", "api.rrpc-max-pending",
                "api.max-import-bytes", "auth.providers", "auth.password-file", "auth.acl-file", "auth.x509-identity",
                "auth.max-failures-per-minute", "auth.block-time", "auth.threads", "auth.max-pending",
                "auth.reload-interval",
                "log.level", "log.trace", "log.trace-ring-size", "log.repeat-interval"), ConfigLoader.keys());
    }

    @Test
    void keysIsUnmodifiable() {
        assertThrows(UnsupportedOperationException.class, () -> ConfigLoader.keys().add("x"));
    }

    @Test
    void envNameMapping() {
        assertEquals("TERNMQ_LIMITS_MAX_CONNECTIONS", ConfigLoader.envName("limits.max-connections"));
        assertEquals("TERNMQ_LISTENERS_TCP_PORT", ConfigLoader.envName("listeners.tcp-port"));
        assertEquals("TERNMQ_DATA_DIR", ConfigLoader.envName("data-dir"));
        assertEquals("TERNMQ_ALLOW_ANONYMOUS", ConfigLoader.envName("allow-anonymous"));
        assertEquals("TERNMQ_LOG_LEVEL", ConfigLoader.envName("log.level"));
    }

    @Test
    void everyKeyCanBeSetThroughItsEnvironmentVariableAndAsAnOverride() {
        for (String key : ConfigLoader.keys()) {
            ConfigKey<?> k = ConfigKey.byName(key);
            // Setting each key to its own default through either layer must load and change nothing.
            assertEquals(BrokerConfig.defaults(),
                    ConfigLoader.load(null, Map.of(ConfigLoader.envName(key), k.defaultValue()), Map.of()), key);
            assertEquals(BrokerConfig.defaults(),
                    ConfigLoader.load(null, Map.of(), Map.of(key, k.defaultValue())), key);
        }
        assertEquals(ConfigLoader.keys().size(),
                new HashSet<>(ConfigLoader.keys().stream().map(ConfigLoader::envName).toList()).size(),
                "environment names must be distinct");
    }

    @Test
    void docsTableNamesEveryKeyWithItsEnvironmentVariable() throws IOException {
        List<String> lines = Files.readAllLines(DOCS);
        for (String key : ConfigLoader.keys()) {
            String row = "| `" + key + "` |";
            assertTrue(lines.stream().anyMatch(l -> l.startsWith(row) && l.contains("`" + ConfigLoader.envName(key)
                    + "`")), "docs/configuration.md has no table row for " + key);
        }
    }

    @Test
    void docsExampleFileSetsEveryKeyToItsDefault(@TempDir Path dir) throws IOException {
        String docs = Files.readString(DOCS);
        int start = docs.indexOf("```yaml\n");
        int end = docs.indexOf("```", start + 8);
        assertTrue(start >= 0 && end > start, "docs/configuration.md has a ```yaml example");
        String example = docs.substring(start + 8, end);
        Path file = Files.writeString(dir.resolve("example.yaml"), example);

        assertEquals(BrokerConfig.defaults(), ConfigLoader.load(file, Map.of(), Map.of()));
        Map<ConfigKey<?>, String> set = YamlFile.read(file);
        assertEquals(ConfigKey.ALL, List.copyOf(set.keySet()), "the example sets every key, in order");
    }
}
