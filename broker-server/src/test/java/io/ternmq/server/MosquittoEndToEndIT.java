package io.ternmq.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The built jar as a separate process, driven by mosquitto_pub and mosquitto_sub (Debian's mosquitto-clients,
 * which .ci/run installs) at MQTT 3.1 and 3.1.1.
 */
class MosquittoEndToEndIT {

    @TempDir
    static Path workDir;
    private static JarProcess broker;
    private static int port;

    @BeforeAll
    static void startJar() throws Exception {
        requireMosquittoClients();
        port = TestBroker.freePort();
        broker = JarProcess.start(workDir, Map.of(), "--tcp-port", Integer.toString(port),
                "--tls-port", Integer.toString(TestBroker.freePort()));
        assertTrue(broker.awaitLine("ternmq ready", 30_000), "no 'ternmq ready' line: " + broker.output);
    }

    @AfterAll
    static void stopJar() throws Exception {
        if (broker != null) {
            broker.terminate();
            assertEquals(0, broker.awaitExit(30), "SIGTERM must drain and exit 0; output: " + broker.output);
            assertTrue(broker.output.stream().anyMatch(l -> l.contains("ternmq stopped")), broker.output.toString());
        }
    }

    @ParameterizedTest(name = "pub {0} -> sub {1} at QoS {2}")
    @CsvSource({"mqttv31, mqttv311, 1", "mqttv311, mqttv31, 1", "mqttv311, mqttv311, 0", "mqttv31, mqttv31, 0"})
    void mosquittoClientsExchangeMessages(String pubVersion, String subVersion, int qos) throws Exception {
        String topic = "e2e/" + pubVersion + "/" + subVersion + "/" + qos;
        try (MosquittoSub sub = MosquittoSub.subscribed("-h", "127.0.0.1", "-p", Integer.toString(port),
                "-V", subVersion, "-q", Integer.toString(qos), "-t", "e2e/#", "-v", "-C", "3", "-W", "20",
                "-i", "sub-" + pubVersion + subVersion + qos)) {
            for (int i = 1; i <= 3; i++) {
                run("mosquitto_pub", "-h", "127.0.0.1", "-p", Integer.toString(port), "-V", pubVersion,
                        "-q", Integer.toString(qos), "-t", topic, "-m", "msg" + i);
            }
            assertTrue(sub.awaitExit(25, TimeUnit.SECONDS), "mosquitto_sub did not get 3 messages: " + sub.output());
            assertEquals(List.of(topic + " msg1", topic + " msg2", topic + " msg3"), sub.messages(), sub.output());
            assertEquals(0, sub.exitValue(), sub.output());
        }
    }

    @Test
    void mqtt5UserPropertiesArriveThroughMosquitto() throws Exception {
        try (MosquittoSub sub = MosquittoSub.subscribed("-h", "127.0.0.1", "-p", Integer.toString(port),
                "-V", "5", "-q", "1", "-t", "e2e5/#", "-C", "1", "-W", "20", "-F", "%t|%P|%p")) {
            run("mosquitto_pub", "-h", "127.0.0.1", "-p", Integer.toString(port), "-V", "5", "-q", "1",
                    "-t", "e2e5/props", "-m", "hello5", "-D", "publish", "user-property", "site", "north",
                    "-D", "publish", "user-property", "unit", "celsius");
            assertTrue(sub.awaitExit(25, TimeUnit.SECONDS), "mosquitto_sub -V 5 got nothing: " + sub.output());
            assertEquals(List.of("e2e5/props|site:north unit:celsius|hello5"), sub.messages(), sub.output());
        }
    }

    @Test
    void mosquittoPubV5WithTooManyUserPropertiesIsRefused() throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("mosquitto_pub", "-h", "127.0.0.1", "-p",
                Integer.toString(port), "-V", "5", "-q", "1", "-t", "e2e5/many", "-m", "x"));
        for (int i = 0; i < 21; i++) {
            command.addAll(List.of("-D", "publish", "user-property", "k" + i, "v"));
        }
        Process pub = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertTrue(pub.waitFor(20, TimeUnit.SECONDS));
        String out = new String(pub.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        // mosquitto_pub reports the PUBACK reason code 0x83 by its name.
        assertTrue(out.contains("Implementation specific error"), "PUBACK 0x83 expected: " + out);
    }

    @Test
    void mosquittoPubWithRetainIsDisconnected() throws Exception {
        Process pub = new ProcessBuilder("mosquitto_pub", "-h", "127.0.0.1", "-p", Integer.toString(port),
                "-V", "mqttv311", "-q", "1", "-r", "-t", "e2e/retained", "-m", "r")
                .redirectErrorStream(true).start();
        assertTrue(pub.waitFor(20, TimeUnit.SECONDS));
        String out = new String(pub.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(pub.exitValue() != 0, "a retained publish must not succeed: " + out);
    }

    static void requireMosquittoClients() throws IOException, InterruptedException {
        try {
            new ProcessBuilder("mosquitto_pub", "--help").redirectErrorStream(true).start().waitFor();
        } catch (IOException e) {
            throw new AssertionError("mosquitto_pub is missing: apt-get install -y mosquitto-clients", e);
        }
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertTrue(p.waitFor(20, TimeUnit.SECONDS), String.join(" ", command) + " hung");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), String.join(" ", command) + ": " + out);
    }

    static Path writeFile(Path dir, String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }
}
