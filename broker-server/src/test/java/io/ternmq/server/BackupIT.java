package io.ternmq.server;

import static org.eclipse.paho.client.mqttv3.MqttConnectOptions.MQTT_VERSION_3_1_1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ternmq backup DIR} with the broker stopped and while it runs, and a restore of the copy into another
 * data directory, all through the jar; the restored broker has the sessions and their queued messages.
 */
class BackupIT {

    @TempDir
    Path dir;

    @Test
    void aBackupOfAStoppedBrokerRestoresItsSessionsAndQueue() throws Exception {
        Path data = dir.resolve("data");
        int port = TestBroker.freePort();
        try (JarProcess broker = JarProcess.startBroker(data, port, Map.of())) {
            queue(port, "backup-offline", 0, 100);
            broker.terminate();
            assertEquals(0, broker.awaitExit(60));
        }
        Path backup = dir.resolve("backups/offline");
        try (JarProcess command = JarProcess.start(dir, Map.of(), "backup", backup.toString(), "--data-dir",
                data.toString())) {
            assertEquals(0, command.awaitExit(60), command.output.toString());
            String line = String.join("\n", command.output);
            assertTrue(line.contains("written to " + backup), line);
            assertTrue(line.contains("to restore it, stop the broker"), line);
        }
        assertRestores(backup, "backup-offline", 100);
    }

    @Test
    void aBackupWhileTheBrokerRunsHoldsWhatItHadAcknowledged() throws Exception {
        Path data = dir.resolve("data");
        int port = TestBroker.freePort();
        Path backup = dir.resolve("running-backup");
        try (JarProcess broker = JarProcess.startBroker(data, port, Map.of())) {
            queue(port, "backup-online", 0, 250);
            try (JarProcess command = JarProcess.start(dir, Map.of(), "backup", backup.toString(), "--data-dir",
                    data.toString())) {
                assertEquals(0, command.awaitExit(60), command.output.toString());
            }
            assertTrue(broker.awaitLine("backup written to " + backup, 5_000), broker.output.toString());
            queue(port, "backup-online", 250, 10); // after the backup: not in it
        }
        assertRestores(backup, "backup-online", 250);
    }

    @Test
    void aBackupIsRefusedWithAReasonAndExitOne() throws Exception {
        Path data = dir.resolve("data");
        Files.createDirectories(dir.resolve("exists"));
        try (JarProcess command = JarProcess.start(dir, Map.of(), "backup", dir.resolve("exists").toString(),
                "--data-dir", data.toString())) {
            assertEquals(1, command.awaitExit(60));
            assertTrue(String.join("\n", command.output).contains("already exists: give one that does not"),
                    command.output.toString());
        }
        try (JarProcess command = JarProcess.start(dir, Map.of(), "backup", dir.resolve("b1").toString(),
                "--data-dir", data.toString())) {
            assertEquals(1, command.awaitExit(60));
            assertTrue(String.join("\n", command.output).contains("there is no store in"), command.output.toString());
        }
        try (JarProcess command = JarProcess.start(dir, Map.of(), "backup")) {
            assertEquals(2, command.awaitExit(60));
            assertTrue(String.join("\n", command.output).contains("ternmq backup DIR"), command.output.toString());
        }
    }

    /** Restores by putting the copy in place of the store of a fresh data directory, as docs/storage.md says. */
    private void assertRestores(Path backup, String clientId, int queued) throws Exception {
        Path restored = dir.resolve("restored");
        copy(backup, restored.resolve("store"));
        int port = TestBroker.freePort();
        try (JarProcess broker = JarProcess.startBroker(restored, port, Map.of());
             PahoClients.Client sub = new PahoClients.Client(
                     new MqttClient("tcp://127.0.0.1:" + port, clientId, new MemoryPersistence()))) {
            sub.paho.setTimeToWait(10_000);
            boolean present = sub.paho.connectWithResult(PahoClients.options(MQTT_VERSION_3_1_1, false))
                    .getSessionPresent();
            assertTrue(present, "the restored store has the session");
            for (int i = 0; i < queued; i++) {
                PahoClients.Received r = sub.next();
                assertNotNull(r, "m" + i + " is not in the backup");
                assertEquals("m" + i, r.text());
            }
            assertEquals(null, sub.nextOrNull(500), "more than the backup held");
        }
    }

    /** A persistent session (subscribed on the first call) gets {@code count} messages while it is away. */
    private static void queue(int port, String clientId, int from, int count) throws Exception {
        if (from == 0) {
            MqttClient sub = new MqttClient("tcp://127.0.0.1:" + port, clientId, new MemoryPersistence());
            sub.connect(PahoClients.options(MQTT_VERSION_3_1_1, false));
            sub.subscribe("backup/#", 1);
            sub.disconnect();
            sub.close();
        }
        MqttClient pub = new MqttClient("tcp://127.0.0.1:" + port, clientId + "-pub", new MemoryPersistence());
        pub.connect(PahoClients.options(MQTT_VERSION_3_1_1, true));
        for (int i = from; i < from + count; i++) {
            pub.publish("backup/t", new MqttMessage(("m" + i).getBytes(StandardCharsets.UTF_8)));
        }
        pub.disconnect();
        pub.close();
    }

    private static void copy(Path from, Path to) throws Exception {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : files.sorted(Comparator.naturalOrder()).toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}
