package io.ternmq.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigErrorsTest {

    @TempDir
    Path dir;

    private Path yaml(String text) throws IOException {
        return Files.writeString(dir.resolve("bad.yaml"), text);
    }

    private static ConfigException fromEnv(String name, String value) {
        return assertThrows(ConfigException.class, () -> ConfigLoader.load(null, Map.of(name, value), Map.of()));
    }

    private static ConfigException fromFlags(String key, String value) {
        return assertThrows(ConfigException.class, () -> ConfigLoader.load(null, Map.of(), Map.of(key, value)));
    }

    private ConfigException fromFile(String text) throws IOException {
        Path file = yaml(text);
        return assertThrows(ConfigException.class, () -> ConfigLoader.load(file, Map.of(), Map.of()));
    }

    private static void assertOneLine(ConfigException e) {
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void invalidEnvironmentValueNamesKeyValueAllowedAndSource() {
        ConfigException e = fromEnv("TERNMQ_LIMITS_MAX_CONNECTIONS", "abc");
        assertEquals("invalid configuration: limits.max-connections = \"abc\" from environment "
                + "TERNMQ_LIMITS_MAX_CONNECTIONS (allowed: an integer from 1 to 10000000)", e.getMessage());
        assertEquals("limits.max-connections", e.key());
        assertEquals("abc", e.value());
        assertEquals("an integer from 1 to 10000000", e.allowed());
        assertEquals("environment TERNMQ_LIMITS_MAX_CONNECTIONS", e.source());
    }

    @Test
    void invalidFileValueNamesTheFile() throws IOException {
        ConfigException e = fromFile("listeners:\n  tcp-port: 70000\n");
        assertEquals("listeners.tcp-port", e.key());
        assertEquals("70000", e.value());
        assertEquals("file " + dir.resolve("bad.yaml"), e.source());
        assertTrue(e.getMessage().startsWith("invalid configuration: listeners.tcp-port = \"70000\" from file "),
                e.getMessage());
        assertTrue(e.getMessage().contains("(allowed: an integer from 0 to 65535"), e.getMessage());
    }

    @Test
    void invalidFlagValueNamesTheFlag() {
        ConfigException e = fromFlags("listeners.tcp-port", "-1");
        assertEquals("flag --tcp-port", e.source());
        assertEquals("-1", e.value());
        assertTrue(e.getMessage().contains("from flag --tcp-port"), e.getMessage());
    }

    @Test
    void overrideOfAKeyWithoutAFlagNamesTheKey() {
        ConfigException e = fromFlags("log.level", "loud");
        assertEquals("command-line override log.level", e.source());
        assertEquals("trace, debug, info, warn or error", e.allowed());
    }

    @Test
    void badValueInAnOverriddenLayerIsStillReported() throws IOException {
        Path file = yaml("limits:\n  max-inflight: lots\n");
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(file, Map.of("TERNMQ_LIMITS_MAX_INFLIGHT", "16"), Map.of()));
        assertEquals("limits.max-inflight", e.key());
        assertEquals("lots", e.value());
    }

    @ParameterizedTest(name = "{0} = \"{1}\"")
    @CsvSource(delimiter = '|', value = {
        "listeners.bind            | ''                | an IPv4 address",
        "listeners.bind            | 'my host'         | an IPv4 address",
        "listeners.bind            | 300.1.1.1         | an IPv4 address",
        "listeners.bind            | '1:2:3'           | an IPv4 address",
        "listeners.tls-port        | 65536             | an integer from 0 to 65535",
        "listeners.quic-port       | 1.5               | an integer from 0 to 65535",
        "listeners.http-port       | 0x50              | an integer from 0 to 65535",
        "data-dir                  | '  '              | a non-empty directory path",
        "allow-anonymous           | yes               | true or false",
        "allow-anonymous           | 1                 | true or false",
        "limits.max-connections    | 0                 | an integer from 1 to 10000000",
        "limits.max-connections    | 10000001          | an integer from 1 to 10000000",
        "limits.max-connections    | 99999999999999999999 | an integer from 1 to 10000000",
        "limits.max-packet-size    | 63                | a size from 64 to 268435455 bytes",
        "limits.max-packet-size    | 256MiB            | a size from 64 to 268435455 bytes",
        "limits.max-packet-size    | 100KB             | a size from 64 to 268435455 bytes",
        "limits.max-payload        | -1                | a size from 0 to 268435455 bytes",
        "limits.max-payload        | 999999999999999999MiB | a size from 0 to 268435455 bytes",
        "limits.max-topic-length   | 65536             | an integer from 1 to 65535",
        "limits.max-client-id-length | 0               | an integer from 1 to 65535",
        "limits.max-queued-messages | many             | an integer from 1 to 10000000",
        "limits.max-inflight       | 0                 | an integer from 1 to 65535",
        "limits.connect-timeout    | 99ms              | a duration from 100ms to 60m",
        "limits.connect-timeout    | 61m               | a duration from 100ms to 60m",
        "limits.connect-timeout    | 1h                | a duration from 100ms to 60m",
        "limits.connect-timeout    | 1.5s              | a duration from 100ms to 60m",
        "platform.will-messages    | allow             | refuse or ignore",
        "platform.retained-messages | store            | refuse or ignore",
        "platform.delivery-qos     | 2                 | publisher or standard",
        "platform.keepalive-min    | 0                 | an integer from 1 to 65535",
        "platform.keepalive-max    | 65536             | an integer from 1 to 65535",
        "log.level                 | warning           | trace, debug, info, warn or error",
    })
    void eachKindOfBadValueIsRefusedWithTheAllowedText(String key, String value, String allowedStart) {
        ConfigException e = fromEnv(ConfigLoader.envName(key), value);
        assertEquals(key, e.key());
        assertEquals(value, e.value());
        assertEquals("environment " + ConfigLoader.envName(key), e.source());
        assertTrue(e.allowed().startsWith(allowedStart), e.allowed());
        assertTrue(e.getMessage().contains(key + " = " + ConfigException.quote(value)), e.getMessage());
        assertTrue(e.getMessage().endsWith("(allowed: " + e.allowed() + ")"), e.getMessage());
        assertOneLine(e);
    }

    @Test
    void emptyEnvironmentValueIsRefused() {
        ConfigException e = fromEnv("TERNMQ_LOG_LEVEL", "");
        assertEquals("log.level", e.key());
        assertTrue(e.getMessage().contains("log.level = \"\""), e.getMessage());
    }

    @Test
    void emptyYamlValueIsRefused() throws IOException {
        ConfigException e = fromFile("log:\n  level:\n");
        assertEquals("log.level", e.key());
        assertEquals("", e.value());
    }

    @Test
    void yamlBooleanWhereANumberBelongsIsRefused() throws IOException {
        ConfigException e = fromFile("limits:\n  max-inflight: true\n");
        assertEquals("limits.max-inflight", e.key());
        assertEquals("true", e.value());
    }

    @Test
    void unknownKeyInAFileSectionListsTheSectionsKeys() throws IOException {
        ConfigException e = fromFile("limits:\n  max-conections: 5\n");
        assertEquals("limits.max-conections", e.key());
        assertTrue(e.getMessage().startsWith("unknown configuration key: limits.max-conections in file "),
                e.getMessage());
        assertTrue(e.getMessage().contains("(known keys under limits: max-connections, max-packet-size,"),
                e.getMessage());
        assertOneLine(e);
    }

    @Test
    void unknownTopLevelKeyOrSectionInAFileIsRefused() throws IOException {
        ConfigException e = fromFile("limit:\n  max-connections: 5\n");
        assertEquals("limit", e.key());
        assertTrue(e.getMessage().contains("known top-level keys: listeners, data-dir, allow-anonymous, limits, "
                + "platform, tls, quic, storage, api, auth, log"), e.getMessage());
        // A dotted key is not a shortcut for a section.
        assertEquals("limits.max-connections", fromFile("limits.max-connections: 5\n").key());
    }

    @Test
    void unknownEnvironmentVariableIsRefused() {
        ConfigException e = fromEnv("TERNMQ_FOO", "1");
        assertEquals("TERNMQ_FOO", e.key());
        assertEquals("environment TERNMQ_FOO", e.source());
        assertTrue(e.getMessage().startsWith("unknown environment variable TERNMQ_FOO (known variables: "
                + "TERNMQ_LISTENERS_BIND, "), e.getMessage());
        ConfigException near = fromEnv("TERNMQ_LIMITS_MAX_CONECTIONS", "1");
        assertTrue(near.getMessage().contains("known variables under limits: TERNMQ_LIMITS_MAX_CONNECTIONS, "),
                near.getMessage());
    }

    @Test
    void unknownOverrideKeyIsRefused() {
        ConfigException e = fromFlags("listeners.tcp-prot", "1884");
        assertEquals("listeners.tcp-prot", e.key());
        assertEquals("unknown configuration key: listeners.tcp-prot in command-line overrides (known keys under "
                + "listeners: bind, tcp-port, tls-port, quic-port, http-port, http-tls, io-threads)", e.getMessage());
        assertTrue(fromFlags("nonsense", "1").getMessage().contains("known keys: listeners.bind, "));
    }

    @Test
    void mappingWhereAValueBelongsIsAWrongType() throws IOException {
        ConfigException e = fromFile("limits:\n  max-connections:\n    value: 5\n");
        assertEquals("limits.max-connections", e.key());
        assertTrue(e.allowed().startsWith("a single value, not a mapping"), e.allowed());
    }

    @Test
    void listWhereAValueBelongsIsAWrongType() throws IOException {
        ConfigException e = fromFile("data-dir: [a, b]\n");
        assertEquals("data-dir", e.key());
        assertTrue(e.allowed().startsWith("a single value, not a list"), e.allowed());
    }

    @Test
    void valueWhereASectionBelongsIsAWrongType() throws IOException {
        ConfigException e = fromFile("limits: 5\n");
        assertEquals("limits", e.key());
        assertEquals("5", e.value());
        assertTrue(e.allowed().startsWith("a section holding max-connections, "), e.allowed());
    }

    @Test
    void topLevelListIsRefused() throws IOException {
        ConfigException e = fromFile("- a\n- b\n");
        assertEquals("config", e.key());
        assertTrue(e.getMessage().contains("the top level is a list, not a mapping"), e.getMessage());
    }

    @Test
    void invalidYamlNamesTheFileAndTheLine() throws IOException {
        ConfigException e = fromFile("limits:\n  max-connections: 5\n bad indentation: [\n");
        assertEquals("config", e.key());
        assertEquals(dir.resolve("bad.yaml").toString(), e.value());
        assertTrue(e.getMessage().startsWith("invalid configuration file " + dir.resolve("bad.yaml")
                + ": invalid YAML: "), e.getMessage());
        assertTrue(e.getMessage().contains(" at line 3, column "), e.getMessage());
        assertOneLine(e);
    }

    @Test
    void duplicateKeysAreInvalidYaml() throws IOException {
        ConfigException e = fromFile("log:\n  level: info\n  level: debug\n");
        assertEquals("config", e.key());
        assertTrue(e.getMessage().contains("invalid YAML"), e.getMessage());
    }

    @Test
    void javaTypeTagsAreRefusedNotInstantiated() throws IOException {
        ConfigException e = fromFile("log: !!java.lang.ProcessBuilder [touch, /tmp/pwned]\n");
        assertEquals("config", e.key());
        assertTrue(e.getMessage().contains("could not determine a constructor"), e.getMessage());
    }

    @Test
    void severalYamlDocumentsAreRefused() throws IOException {
        ConfigException e = fromFile("---\nlog: {level: info}\n---\nlog: {level: warn}\n");
        assertTrue(e.getMessage().contains("expected a single document in the stream, but found another document"),
                e.getMessage());
    }

    @Test
    void missingFileIsRefused() {
        Path missing = dir.resolve("nope.yaml");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(missing, Map.of(), Map.of()));
        assertEquals("config", e.key());
        assertEquals(missing.toString(), e.value());
        assertEquals("invalid configuration file " + missing + ": file not found (allowed: a readable YAML file)",
                e.getMessage());
    }

    @Test
    void directoryInsteadOfFileIsRefused() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(dir, Map.of(), Map.of()));
        assertEquals("config", e.key());
        assertTrue(e.getMessage().contains("it is a directory"), e.getMessage());
    }

    @Test
    void packetSizeBelowPayloadNamesBothKeys() throws IOException {
        Path file = yaml("limits:\n  max-packet-size: 100KiB\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file, Map.of(), Map.of()));
        assertEquals("limits.max-packet-size", e.key());
        assertEquals("100KiB", e.value());
        assertEquals("invalid configuration: limits.max-packet-size = \"100KiB\" from file " + file
                + " (allowed: at least limits.max-payload = \"256KiB\" from default)", e.getMessage());
    }

    @Test
    void payloadRaisedAbovePacketSizeIsReportedOnPacketSize() {
        ConfigException e = fromEnv("TERNMQ_LIMITS_MAX_PAYLOAD", "1MiB");
        assertEquals("limits.max-packet-size", e.key());
        assertEquals("default", e.source());
        assertTrue(e.allowed().contains("limits.max-payload = \"1MiB\" from environment TERNMQ_LIMITS_MAX_PAYLOAD"),
                e.allowed());
    }

    @Test
    void keepaliveMaxBelowMinNamesBothKeys() {
        ConfigException e = fromFlags("platform.keepalive-max", "20");
        assertEquals("platform.keepalive-max", e.key());
        assertEquals("at least platform.keepalive-min = \"30\" from default", e.allowed());
    }

    @Test
    void controlCharactersInAValueDoNotBreakTheOneLineMessage() {
        ConfigException e = fromEnv("TERNMQ_LOG_LEVEL", "info\nerror");
        assertEquals("info\nerror", e.value());
        assertTrue(e.getMessage().contains("log.level = \"info\\nerror\""), e.getMessage());
        assertOneLine(e);
    }

    @Test
    void veryLongValuesAreShortenedInTheMessageOnly() {
        String value = "x".repeat(500);
        ConfigException e = fromEnv("TERNMQ_LOG_LEVEL", value);
        assertEquals(value, e.value());
        assertTrue(e.getMessage().length() < 300, e.getMessage());
        assertTrue(e.getMessage().contains("x".repeat(100) + "...\""), e.getMessage());
    }
}
