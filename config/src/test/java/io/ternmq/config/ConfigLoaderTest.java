package io.ternmq.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    @TempDir
    Path dir;

    private Path yaml(String text) throws IOException {
        return Files.writeString(dir.resolve("ternmq.yaml"), text);
    }

    @Test
    void defaultsMatchTheDocumentedTable() {
        BrokerConfig c = BrokerConfig.defaults();
        assertEquals(new ListenersConfig("127.0.0.1", 1883, 8883, 14567, 18083), c.listeners());
        assertEquals(Path.of("./data"), c.dataDir());
        assertFalse(c.allowAnonymous());
        assertEquals(new LimitsConfig(100_000, 266_240, 262_144, 128, 128, 10_000, 32, Duration.ofSeconds(10), 32, 16, 1000, 604800,
                16L * 1024 * 1024),
                c.limits());
        assertEquals(new PlatformConfig(WillPolicy.REFUSE, RetainPolicy.REFUSE, DeliveryQos.PUBLISHER, 30, 1200,
                20, 128, 128, 128),
                c.platform());
        assertEquals(new LogConfig("info", false, 1000), c.log());
        assertEquals(new QuicConfig(100_000, 10, 1_048_576, 524_288, Duration.ofSeconds(10), true, EarlyData.CONNECT_ONLY,
                Duration.ofMinutes(120), 0, Duration.ofMillis(5)), c.quic());
    }

    @Test
    void quicSectionIsReadAndStreamCreditMayNotExceedConnectionCredit() throws IOException {
        BrokerConfig c = ConfigLoader.load(yaml("""
                quic:
                  max-connections: 500
                  max-streams: 2
                  initial-max-data: 64KiB
                  initial-max-stream-data: 32KiB
                  stateless-retry: false
                  early-data: false
                  sockets: 1
                  max-ack-delay: 20ms
                """), Map.of(), Map.of("listeners.quic-port", "0"));
        assertEquals(0, c.listeners().quicPort());
        assertEquals(new QuicConfig(500, 2, 65_536, 32_768, Duration.ofSeconds(10), false, EarlyData.OFF,
                Duration.ofMinutes(120), 1, Duration.ofMillis(20)), c.quic());
        for (Map.Entry<String, EarlyData> e : Map.of("off", EarlyData.OFF, "connect-only", EarlyData.CONNECT_ONLY,
                "on", EarlyData.ON, "ON", EarlyData.ON, "true", EarlyData.CONNECT_ONLY).entrySet()) {
            assertEquals(e.getValue(), ConfigLoader.load(null, Map.of("TERNMQ_QUIC_EARLY_DATA", e.getKey()), Map.of())
                    .quic().earlyData(), e.getKey());
        }
        ConfigException badEarly = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
                () -> ConfigLoader.load(null, Map.of("TERNMQ_QUIC_EARLY_DATA", "connect"), Map.of()));
        assertEquals("quic.early-data", badEarly.key());
        assertTrue(badEarly.getMessage().contains("off, connect-only or on"), badEarly.getMessage());
        ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
                () -> ConfigLoader.load(null, Map.of("TERNMQ_QUIC_INITIAL_MAX_STREAM_DATA", "2MiB"), Map.of()));
        assertEquals("quic.initial-max-data", e.key());
        assertTrue(e.getMessage().contains("quic.initial-max-stream-data"), e.getMessage());
        ConfigException ackDelay = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
                () -> ConfigLoader.load(null, Map.of("TERNMQ_QUIC_MAX_ACK_DELAY", "20s"), Map.of()));
        assertEquals("quic.max-ack-delay", ackDelay.key(), "QUIC's max_ack_delay is below 2^14 ms");
    }

    @Test
    void ioThreadsDefaultToOnePerCoreAndAreBounded() throws IOException {
        BrokerConfig defaults = BrokerConfig.defaults();
        assertEquals(0, defaults.listeners().ioThreads());
        assertEquals(Runtime.getRuntime().availableProcessors(), defaults.listeners().ioThreadCount());

        BrokerConfig one = ConfigLoader.load(yaml("""
                listeners:
                  io-threads: 1
                """), Map.of(), Map.of());
        assertEquals(1, one.listeners().ioThreadCount());
        assertEquals(3, ConfigLoader.load(null, Map.of("TERNMQ_LISTENERS_IO_THREADS", "3"), Map.of())
                .listeners().ioThreadCount());

        ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
                () -> ConfigLoader.load(null, Map.of("TERNMQ_LISTENERS_IO_THREADS", "-1"), Map.of()));
        assertEquals("listeners.io-threads", e.key());
        e = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
                () -> ConfigLoader.load(null, Map.of("TERNMQ_LISTENERS_IO_THREADS", "257"), Map.of()));
        assertEquals("listeners.io-threads", e.key());
        assertTrue(e.getMessage().contains("TERNMQ_LISTENERS_IO_THREADS"), e.getMessage());
    }

    @Test
    void noFileNoEnvironmentNoFlagsIsTheDefaults() {
        assertEquals(BrokerConfig.defaults(), ConfigLoader.load(null, Map.of(), Map.of()));
    }

    @Test
    void emptyOrCommentOnlyFileIsTheDefaults() throws IOException {
        assertEquals(BrokerConfig.defaults(), ConfigLoader.load(yaml(""), Map.of(), Map.of()));
        assertEquals(BrokerConfig.defaults(), ConfigLoader.load(yaml("# nothing set\n"), Map.of(), Map.of()));
        assertEquals(BrokerConfig.defaults(), ConfigLoader.load(yaml("limits:\n"), Map.of(), Map.of()));
    }

    @Test
    void fileSetsEveryKindOfValue() throws IOException {
        Path file = yaml("""
                listeners:
                  bind: 0.0.0.0
                  tcp-port: 11883
                data-dir: /var/lib/ternmq
                allow-anonymous: true
                limits:
                  max-connections: 5000
                  max-packet-size: 1MiB
                  max-payload: "512KiB"
                  connect-timeout: 500ms
                platform:
                  will-messages: ignore
                  retained-messages: IGNORE
                  delivery-qos: Standard
                  keepalive-min: 10
                  keepalive-max: 60
                log:
                  level: DEBUG
                """);
        BrokerConfig c = ConfigLoader.load(file, Map.of(), Map.of());
        assertEquals(new ListenersConfig("0.0.0.0", 11883, 8883, 14567, 18083), c.listeners());
        assertEquals(Path.of("/var/lib/ternmq"), c.dataDir());
        assertTrue(c.allowAnonymous());
        assertEquals(new LimitsConfig(5000, 1_048_576, 524_288, 128, 128, 10_000, 32, Duration.ofMillis(500)),
                c.limits());
        assertEquals(new PlatformConfig(WillPolicy.IGNORE, RetainPolicy.IGNORE, DeliveryQos.STANDARD, 10, 60),
                c.platform());
        assertEquals("debug", c.log().level());
    }

    @Test
    void keysLeftOutOfTheFileKeepTheirDefaults() throws IOException {
        BrokerConfig c = ConfigLoader.load(yaml("limits:\n  max-inflight: 8\n"), Map.of(), Map.of());
        assertEquals(8, c.limits().maxInflight());
        assertEquals(100_000, c.limits().maxConnections());
        assertEquals(BrokerConfig.defaults().listeners(), c.listeners());
    }

    @Test
    void environmentOverridesFile() throws IOException {
        Path file = yaml("limits:\n  max-connections: 5000\nlog:\n  level: warn\n");
        BrokerConfig c = ConfigLoader.load(file, Map.of("TERNMQ_LIMITS_MAX_CONNECTIONS", "7000"), Map.of());
        assertEquals(7000, c.limits().maxConnections());
        assertEquals("warn", c.log().level(), "keys the environment does not name keep the file's value");
    }

    @Test
    void flagsOverrideEnvironmentAndFile() throws IOException {
        Path file = yaml("listeners:\n  tcp-port: 2000\n  bind: 10.0.0.1\n");
        Map<String, String> env = Map.of("TERNMQ_LISTENERS_TCP_PORT", "3000", "TERNMQ_DATA_DIR", "/env/data");
        Map<String, String> flags = Map.of("listeners.tcp-port", "4000", "data-dir", "/flag/data",
                "allow-anonymous", "true");
        BrokerConfig c = ConfigLoader.load(file, env, flags);
        assertEquals(4000, c.listeners().tcpPort());
        assertEquals(Path.of("/flag/data"), c.dataDir());
        assertEquals("10.0.0.1", c.listeners().bind());
        assertTrue(c.allowAnonymous());
    }

    @Test
    void environmentOverridesDefaultsWithoutAFile() {
        Map<String, String> env = Map.of("TERNMQ_PLATFORM_DELIVERY_QOS", "standard",
                "TERNMQ_LIMITS_CONNECT_TIMEOUT", "2m", "TERNMQ_LISTENERS_BIND", "::1");
        BrokerConfig c = ConfigLoader.load(null, env, Map.of());
        assertEquals(DeliveryQos.STANDARD, c.platform().deliveryQos());
        assertEquals(Duration.ofMinutes(2), c.limits().connectTimeout());
        assertEquals("::1", c.listeners().bind());
    }

    @Test
    void environmentVariablesWithoutThePrefixAreIgnored() {
        Map<String, String> env = Map.of("PATH", "/usr/bin", "HOME", "/root", "ternmq_log_level", "nonsense",
                "TERNMQX", "x");
        assertEquals(BrokerConfig.defaults(), ConfigLoader.load(null, env, Map.of()));
    }

    @Test
    void crossFieldChecksSeeTheFinalValuesOfAllLayers() throws IOException {
        // The file alone breaks max-packet-size >= max-payload; the environment repairs it.
        Path file = yaml("limits:\n  max-payload: 1MiB\n");
        BrokerConfig c = ConfigLoader.load(file, Map.of("TERNMQ_LIMITS_MAX_PACKET_SIZE", "2MiB"), Map.of());
        assertEquals(2 * 1_048_576, c.limits().maxPacketSize());
        assertEquals(1_048_576, c.limits().maxPayload());
    }

    @Test
    void equalBoundsPassTheCrossFieldChecks() {
        BrokerConfig c = ConfigLoader.load(null, Map.of(), Map.of("limits.max-packet-size", "1000",
                "limits.max-payload", "1000", "platform.keepalive-min", "60", "platform.keepalive-max", "60"));
        assertEquals(1000, c.limits().maxPacketSize());
        assertEquals(60, c.platform().keepaliveMax());
    }

    @Test
    void portZeroTurnsAListenerOffAndIsAccepted() {
        BrokerConfig c = ConfigLoader.load(null, Map.of(), Map.of("listeners.tcp-port", "0"));
        assertEquals(0, c.listeners().tcpPort());
    }

    @Test
    void bracketedIpv6BindIsStoredWithoutBrackets() {
        BrokerConfig c = ConfigLoader.load(null, Map.of(), Map.of("listeners.bind", "[::1]"));
        assertEquals("::1", c.listeners().bind());
    }

    @Test
    void nullMapsAreTreatedAsEmpty() {
        assertEquals(BrokerConfig.defaults(), ConfigLoader.load(null, null, null));
    }
}
