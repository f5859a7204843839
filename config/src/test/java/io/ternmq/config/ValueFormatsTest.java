package io.ternmq.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Value syntax as an operator writes it, checked through the public loader (environment layer). */
class ValueFormatsTest {

    private static BrokerConfig withEnv(String key, String value) {
        return ConfigLoader.load(null, Map.of(ConfigLoader.envName(key), value), Map.of());
    }

    private static BrokerConfig withEnv(String key, String value, String otherKey, String otherValue) {
        return ConfigLoader.load(null, Map.of(ConfigLoader.envName(key), value,
                ConfigLoader.envName(otherKey), otherValue), Map.of());
    }

    @ParameterizedTest(name = "max-payload {0} = {1} bytes")
    @CsvSource({
        "0, 0",
        "1000, 1000",
        "1000B, 1000",
        "1KiB, 1024",
        "256KiB, 262144",
        "256kib, 262144",
        "'256 KiB', 262144",
        "1MiB, 1048576",
        "255MiB, 267386880",
        "268435455, 268435455",
        "' 42 ', 42",
    })
    void sizes(String raw, int bytes) {
        // The largest packet size keeps the max-packet-size >= max-payload check out of the way.
        assertEquals(bytes, withEnv("limits.max-payload", raw, "limits.max-packet-size", "268435455")
                .limits().maxPayload());
    }

    @ParameterizedTest(name = "max-packet-size {0} = {1} bytes")
    @CsvSource({"64, 64", "260KiB, 266240", "1MiB, 1048576"})
    void packetSizes(String raw, int bytes) {
        BrokerConfig c = ConfigLoader.load(null, Map.of(), Map.of("limits.max-packet-size", raw,
                "limits.max-payload", "0"));
        assertEquals(bytes, c.limits().maxPacketSize());
    }

    @ParameterizedTest(name = "connect-timeout {0} = {1} ms")
    @CsvSource({
        "100ms, 100",
        "500ms, 500",
        "1500MS, 1500",
        "1, 1000",
        "10, 10000",
        "10s, 10000",
        "1m, 60000",
        "60m, 3600000",
        "3600, 3600000",
        "3600000ms, 3600000",
    })
    void durations(String raw, long millis) {
        assertEquals(Duration.ofMillis(millis), withEnv("limits.connect-timeout", raw).limits().connectTimeout());
    }

    @ParameterizedTest
    @CsvSource({"true, true", "false, false", "TRUE, true", "False, false"})
    void booleans(String raw, boolean expected) {
        assertEquals(expected, withEnv("allow-anonymous", raw).allowAnonymous());
    }

    @ParameterizedTest
    @CsvSource({"trace, trace", "DEBUG, debug", "Info, info", "warn, warn", "ERROR, error"})
    void logLevelsAreStoredLowerCase(String raw, String expected) {
        assertEquals(expected, withEnv("log.level", raw).log().level());
    }

    @ParameterizedTest
    @CsvSource({"refuse, REFUSE", "Ignore, IGNORE"})
    void willPolicies(String raw, WillPolicy expected) {
        assertEquals(expected, withEnv("platform.will-messages", raw).platform().willMessages());
    }

    @ParameterizedTest
    @CsvSource({"REFUSE, REFUSE", "ignore, IGNORE"})
    void retainPolicies(String raw, RetainPolicy expected) {
        assertEquals(expected, withEnv("platform.retained-messages", raw).platform().retainedMessages());
    }

    @ParameterizedTest
    @CsvSource({"publisher, PUBLISHER", "STANDARD, STANDARD"})
    void deliveryQos(String raw, DeliveryQos expected) {
        assertEquals(expected, withEnv("platform.delivery-qos", raw).platform().deliveryQos());
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "0.0.0.0", "255.255.255.255", "10.1.2.3", "::", "::1", "fe80::1%eth0",
        "2001:db8::8a2e:370:7334", "2001:0db8:0000:0000:0000:ff00:0042:8329", "::ffff:192.0.2.128", "1:2:3:4:5:6:7::",
        "localhost", "broker.example.com", "my-host", "a", "host.example.com."})
    void validBindAddresses(String address) {
        assertEquals(address, withEnv("listeners.bind", address).listeners().bind());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "my host", "256.0.0.1", "1.2.3", "1.2.3.4.5", "01.2.3.4", "0", "1:2:3:4:5:6:7:8:9",
        "1::2::3", ":1::", "12345::", "1.2.3.4::", "::ffff:300.1.1.1", "g::1", "[127.0.0.1]", "-host",
        "host-", "under_score", "a..b", "fe80::1%", "1:2:3:4:5:6:7:8::"})
    void invalidBindAddresses(String address) {
        assertNull(BindAddress.parse(address), address);
    }
}
