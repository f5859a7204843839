package io.ternmq.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.ternmq.auth.provider.ProviderChain;
import io.ternmq.auth.password.Passwd;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * The auth providers end to end, through real clients: a Mosquitto-format password file written by
 * {@code ternmq passwd} (mosquitto_pub and mosquitto_sub sign in with it), Mosquitto's ACL file (Paho v3 and v5,
 * with their PUBACK and SUBACK codes), both files re-read while the broker runs, X.509 client certificates naming
 * registered devices, and the failed sign-in limit.
 */
class PasswordAuthIT {

    /** alice and bob of the shared broker's password file and the ACL below. */
    private static final String ACL = String.join("\n",
            "# anonymous clients",
            "topic read public/#",
            "",
            "user alice",
            "topic readwrite alice/#",
            "topic deny alice/secret",
            "topic write public/#",
            "",
            "user bob",
            "topic readwrite bob/#",
            "topic write alice/#",
            "topic write status/#",
            "",
            "pattern read status/%u",
            "");

    @TempDir
    static Path dir;
    private static TestBroker broker;

    @BeforeAll
    static void start() throws Exception {
        MosquittoEndToEndIT.requireMosquittoClients();
        Path passwords = dir.resolve("passwd");
        passwd("-b", passwords.toString(), "alice", "right");
        passwd("-b", passwords.toString(), "bob", "bob-pw");
        assertTrue(Files.readString(passwords).matches("(?s)alice:\\$7\\$.*\nbob:\\$7\\$.*"),
                "a Mosquitto-format file: " + Files.readString(passwords));
        Path acl = Files.writeString(dir.resolve("acl"), ACL);
        // No failed sign-in limit here: the refusals this broker is shown must not lock its tests out.
        broker = TestBroker.start(Map.of("TERNMQ_AUTH_PROVIDERS", "password-file,anonymous",
                "TERNMQ_AUTH_PASSWORD_FILE", passwords.toString(), "TERNMQ_AUTH_ACL_FILE", acl.toString(),
                "TERNMQ_AUTH_MAX_FAILURES_PER_MINUTE", "0"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (broker != null) {
            broker.close();
        }
    }

    // ---- 1. the password file, with mosquitto_pub and mosquitto_sub ----

    @Test
    void mosquittoClientsSignInWithThePasswordFileAndWrongCredentialsAreRefused() throws Exception {
        try (MosquittoSub sub = MosquittoSub.subscribed(mosquitto("-u", "alice", "-P", "right", "-i", "alice-sub",
                "-t", "alice/#", "-q", "1", "-v", "-C", "1", "-W", "20"))) {
            Run wrong = mosquittoPub("-u", "alice", "-P", "wrong", "-i", "alice-wrong", "-t", "alice/x",
                    "-m", "with the wrong password");
            assertNotEquals(0, wrong.exit, "a wrong password must not publish: " + wrong);
            assertTrue(wrong.stderr.toLowerCase(Locale.ROOT).contains("bad user name or password"),
                    "mosquitto_pub names the refusal (CONNACK 0x04): " + wrong);

            Run unknown = mosquittoPub("-u", "mallory", "-P", "right", "-i", "mallory", "-t", "alice/x",
                    "-m", "from an unknown user");
            assertNotEquals(0, unknown.exit, "an unknown user must not publish: " + unknown);
            assertTrue(unknown.stderr.toLowerCase(Locale.ROOT).contains("bad user name or password"),
                    unknown.toString());

            Run noPassword = mosquittoPub("-u", "alice", "-i", "alice-nopw", "-t", "alice/x",
                    "-m", "without a password");
            assertNotEquals(0, noPassword.exit, "a user name without its password is refused: " + noPassword);

            Run right = mosquittoPub("-u", "alice", "-P", "right", "-i", "alice-pub", "-t", "alice/x", "-q", "1",
                    "-m", "hello from alice");
            assertEquals(0, right.exit, right.toString());
            assertTrue(sub.awaitExit(20, TimeUnit.SECONDS), "mosquitto_sub got nothing: " + sub.output());
            assertEquals(List.of("alice/x hello from alice"), sub.messages(),
                    "only the signed-in publish arrived: " + sub.output());
            assertEquals(0, sub.exitValue(), sub.output());
        }
    }

    @Test
    void anonymousClientsGetInOnLoopbackButWrongCredentialsDoNotFallBackToAnonymous() throws Exception {
        // No user name, no password: the anonymous provider lets it in, under the ACL's anonymous rules.
        try (MosquittoSub anonymous = MosquittoSub.subscribed(mosquitto("-i", "anon-sub", "-t", "public/#", "-q", "1",
                "-v", "-C", "1", "-W", "20"))) {
            // mosquitto_sub prints the granted QoS (128 for a refusal) just after its SUBACK line.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!anonymous.output().contains("Subscribed (mid: 1): ") && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(anonymous.output().contains("Subscribed (mid: 1): 1"),
                    "the anonymous rules let it read public/#: " + anonymous.output());
            Run wrong = mosquittoPub("-u", "alice", "-P", "wrong", "-i", "alice-wrong2", "-t", "public/news",
                    "-q", "1", "-m", "with the wrong password");
            assertNotEquals(0, wrong.exit, "wrong credentials are judged by the password file, not let in as "
                    + "anonymous: " + wrong);
            assertTrue(wrong.stderr.toLowerCase(Locale.ROOT).contains("bad user name or password"), wrong.toString());
            Run right = mosquittoPub("-u", "alice", "-P", "right", "-i", "alice-pub2", "-t", "public/news",
                    "-q", "1", "-m", "for everyone");
            assertEquals(0, right.exit, right.toString());
            assertTrue(anonymous.awaitExit(20, TimeUnit.SECONDS), "nothing arrived: " + anonymous.output());
            assertEquals(List.of("public/news for everyone"), anonymous.messages(), anonymous.output());
        }
        // What lets anonymous clients read public/# is their section of the ACL, not a wide-open broker.
        try (PahoClients.Client alice = connect3("public-reader", "alice", "right")) {
            assertEquals(0x80, subscribe3(alice, "public/#"), "alice may only write public/#");
        }
    }

    // ---- 2. the ACL file, with Paho v3 and v5 ----

    @Test
    void theAclFileDecidesWhereUsersPublishAndSubscribe() throws Exception {
        try (PahoClients.Client aliceSub = connect3("alice-acl-sub", "alice", "right");
             PahoClients.Client bobSub = connect3("bob-acl-sub", "bob", "bob-pw");
             Async5 alice5 = Async5.connect(broker.uri(), "alice-acl-5", options5("alice", "right"));
             PahoClients.Client alice3 = connect3("alice-acl-3", "alice", "right");
             PahoClients.Client bob3 = connect3("bob-acl-3", "bob", "bob-pw")) {
            assertEquals(1, subscribe3(aliceSub, "alice/#"));
            assertEquals(1, subscribe3(bobSub, "bob/#"));

            assertEquals(0x87, alice5.publish("bob/x", "not alice's (5.0)"), "5.0: PUBACK 0x87 Not authorized");
            alice3.publish("bob/x", "not alice's (3.1.1)", 1); // 3.1.1: acknowledged, not delivered
            assertEquals(0, alice5.publish("alice/x", "five"), "PUBACK 0x00 for a topic alice may write");
            alice3.publish("alice/x", "three", 1);
            assertReceived(aliceSub, "alice/x", "five");
            assertReceived(aliceSub, "alice/x", "three");
            bob3.publish("bob/x", "bob's own", 1);
            assertReceived(bobSub, "bob/x", "bob's own");
            assertNull(bobSub.nextOrNull(300), "alice's publishes to bob/x were not delivered");

            assertEquals(0x80, subscribe3(alice3, "#"), "3.1.1: SUBACK 0x80 for a filter the ACL does not grant");
            assertEquals(0x87, alice5.subscribe("#"), "5.0: SUBACK 0x87");
            assertEquals(1, alice5.subscribe("alice/five/#"), "a filter within alice/# is granted");

            // pattern read status/%u: alice reads status/alice, not status/bob nor status/+.
            assertEquals(1, subscribe3(alice3, "status/alice"));
            assertEquals(0x80, subscribe3(alice3, "status/bob"));
            assertEquals(0x80, subscribe3(alice3, "status/+"));
            bob3.publish("status/bob", "bob's status", 1);
            bob3.publish("status/alice", "alice's status", 1);
            assertReceived(alice3, "status/alice", "alice's status");

            // Read rules are checked at delivery too: alice/# does not bring alice/secret.
            bob3.publish("alice/secret", "denied to alice", 1);
            bob3.publish("alice/y", "from bob", 1);
            assertReceived(aliceSub, "alice/y", "from bob");
            assertNull(aliceSub.nextOrNull(300));
            assertNull(alice3.nextOrNull(0));
        }
    }

    // ---- 3. both files re-read while the broker runs ----

    @Test
    void aChangedPasswordAndAChangedAclApplyWithoutARestart() throws Exception {
        Path passwords = dir.resolve("reload-passwd");
        passwd("-b", passwords.toString(), "alice", "old-pass");
        Path acl = Files.writeString(dir.resolve("reload-acl"), "user alice\ntopic readwrite alice/#\n");
        try (TestBroker reloading = TestBroker.start(Map.of("TERNMQ_AUTH_PROVIDERS", "password-file,anonymous",
                "TERNMQ_AUTH_PASSWORD_FILE", passwords.toString(), "TERNMQ_AUTH_ACL_FILE", acl.toString(),
                "TERNMQ_AUTH_RELOAD_INTERVAL", "1s", "TERNMQ_AUTH_MAX_FAILURES_PER_MINUTE", "0"))) {
            String uri = reloading.uri();
            try (Paho5 old = connect5(uri, "alice-old", options5("alice", "old-pass"))) {
                assertTrue(old.paho.isConnected());
            }
            assertEquals(0x86, refused5(uri, "alice-new", options5("alice", "new-pass")));

            passwd("-b", passwords.toString(), "alice", "new-pass");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            Paho5 signedIn = null;
            while (signedIn == null) {
                try {
                    signedIn = connect5(uri, "alice-new", options5("alice", "new-pass"));
                } catch (org.eclipse.paho.mqttv5.common.MqttException e) {
                    assertEquals(0x86, e.getReasonCode(), "refused as a wrong password until the file is re-read");
                    assertTrue(System.nanoTime() < deadline, "the new password never signed in within 10 s");
                    Thread.sleep(200);
                }
            }
            try (Paho5 before = signedIn) {
                assertEquals(0x86, refused5(uri, "alice-old", options5("alice", "old-pass")),
                        "the old password no longer signs in");

                assertEquals(0x87, subscribe5(before, "news/#"), "not in the ACL yet");
                Path next = dir.resolve("reload-acl.next");
                Files.writeString(next, "user alice\ntopic readwrite alice/#\ntopic readwrite news/#\n");
                Files.move(next, acl, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                int granted = 0x87;
                while (granted != 1) {
                    try (Paho5 probe = connect5(uri, "alice-probe", options5("alice", "new-pass"))) {
                        granted = subscribe5(probe, "news/#");
                        if (granted == 1) {
                            probe.publish("news/today", "reloaded", 1, null);
                            Paho5.Received r = probe.next();
                            assertNotNull(r, "the new rule lets alice publish to and read news/#");
                            assertEquals("reloaded", r.text());
                        }
                    }
                    assertTrue(granted == 1 || granted == 0x87, "SUBACK " + granted);
                    assertTrue(granted == 1 || System.nanoTime() < deadline, "the new ACL never applied within 10 s");
                    if (granted != 1) {
                        Thread.sleep(200);
                    }
                }
                assertEquals(0x87, subscribe5(before, "news/#"),
                        "a connection keeps the rules of its sign-in; the new ones apply from the next");
            }
        }
    }

    // ---- 4. X.509 client certificates naming registered devices ----

    @Test
    void aClientCertificateNamingARegisteredDeviceSignsInAsThatDevice() throws Exception {
        TestPki.Issued ca = TestPki.authority("CN=acme device CA,O=acme");
        Path caFile = ca.writeCertificate(dir.resolve("x509-ca.pem"));
        TestPki.Issued camera = TestPki.issue(ca, "CN=a1cam.cam-0001,O=acme");
        TestPki.Issued ghost = TestPki.issue(ca, "CN=a1cam.ghost-0001,O=acme");
        try (TestBroker tls = TestBroker.start(Map.of("TERNMQ_TLS_CLIENT_AUTH", "required",
                "TERNMQ_TLS_CLIENT_CA_FILE", caFile.toString(), "TERNMQ_AUTH_PROVIDERS", "x509,device,anonymous"))) {
            ApiClient api = tls.api();
            ApiClient.Reply created = api.post("/api/v1/products/a1cam/devices", "{\"deviceName\": \"cam-0001\"}");
            assertEquals(201, created.status(), created.text());
            SSLContext asCamera = TlsClients.trusting(tls.certificate(), camera);
            String own = "/a1cam/cam-0001/user/";

            try (PahoClients.Client watcher = PahoClients.connect(tls, "watcher", 4, true);
                 PahoClients.Client cam = TlsClients.paho3(tls.tlsUri(), "cam-3", asCamera)) {
                assertEquals(1, subscribe3(watcher, "#"), "an anonymous client without an ACL file reads all");
                JsonNode detail = api.get("/api/v1/products/a1cam/devices/cam-0001").json();
                assertEquals("ONLINE", detail.get("status").stringValue(), detail.toString());
                assertEquals("x509", detail.get("connection").get("provider").stringValue(), detail.toString());
                assertEquals("cam-3", detail.get("connection").get("clientId").stringValue());
                assertEquals("tls", detail.get("connection").get("transport").stringValue());

                cam.publish("/a1cam/other-01/user/x", "not its own", 1); // 3.1.1: acknowledged, not delivered
                cam.publish(own + "x", "its own", 1);
                assertReceived(watcher, own + "x", "its own");
                assertNull(watcher.nextOrNull(300), "the other device's topic got nothing");
                assertEquals(0x80, subscribe3(cam, "#"), "a device subscribes under its own topics only");
                assertEquals(1, subscribe3(cam, own + "#"));
            }

            MqttConnectionOptions v5 = Paho5.options(true, 0L);
            v5.setSocketFactory(asCamera.getSocketFactory());
            try (Async5 cam5 = Async5.connect(tls.tlsUri(), "cam-5", v5)) {
                assertEquals(0x87, cam5.publish("/a1cam/other-01/user/x", "not its own"), "5.0: PUBACK 0x87");
                assertEquals(0x87, cam5.subscribe("#"), "5.0: SUBACK 0x87");
                assertEquals(1, cam5.subscribe(own + "#"));
                assertEquals(0, cam5.publish(own + "y", "to itself"));
                String r = cam5.inbox.poll(10, TimeUnit.SECONDS);
                assertEquals(own + "y to itself", r, "its own topic comes back to it, and only that");
            }

            SSLContext asGhost = TlsClients.trusting(tls.certificate(), ghost);
            MqttConnectOptions ghost3 = PahoClients.options(MqttConnectOptions.MQTT_VERSION_3_1_1, true);
            ghost3.setSocketFactory(asGhost.getSocketFactory());
            assertEquals(4, refused3(tls.tlsUri(), "ghost-3", ghost3),
                    "3.1.1: 0x04 for a certificate naming no registered device");
            MqttConnectionOptions ghost5 = Paho5.options(true, 0L);
            ghost5.setSocketFactory(asGhost.getSocketFactory());
            assertEquals(0x86, refused5(tls.tlsUri(), "ghost-5", ghost5), "5.0: 0x86");
            assertEquals(404, api.get("/api/v1/products/a1cam/devices/ghost-0001").status());
        }
    }

    // ---- 5. the failed sign-in limit ----

    @Test
    void anAddressThatKeepsFailingIsBannedEvenWithTheRightPassword() throws Exception {
        Path passwords = dir.resolve("brute-passwd");
        passwd("-b", passwords.toString(), "alice", "right");
        Logger chain = (Logger) LoggerFactory.getLogger(ProviderChain.class);
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        chain.addAppender(log);
        try (TestBroker guarded = TestBroker.start(Map.of("TERNMQ_AUTH_PROVIDERS", "password-file,anonymous",
                "TERNMQ_AUTH_PASSWORD_FILE", passwords.toString(), "TERNMQ_AUTH_MAX_FAILURES_PER_MINUTE", "3"))) {
            String uri = guarded.uri();
            try (Paho5 first = connect5(uri, "alice-1", options5("alice", "right"))) {
                assertTrue(first.paho.isConnected(), "the right password signs in before any failure");
            }
            for (int i = 1; i <= 3; i++) {
                assertEquals(0x86, refused5(uri, "guess-" + i, options5("alice", "guess-" + i)),
                        "failure " + i + " is judged on its credentials");
            }
            assertEquals(138, refused5(uri, "alice-2", options5("alice", "right")),
                    "the 4th CONNECT, even with the right password: 0x8A Banned");
            assertEquals(138, refused5(uri, "guess-4", options5("alice", "guess-4")));
            MqttConnectOptions v3 = PahoClients.options(MqttConnectOptions.MQTT_VERSION_3_1_1, true);
            v3.setUserName("alice");
            v3.setPassword("right".toCharArray());
            assertEquals(5, refused3(uri, "alice-3", v3), "3.1.1: 0x05");

            List<String> blocks = log.list.stream().map(ILoggingEvent::getFormattedMessage)
                    .filter(m -> m.startsWith("refusing sign-ins from 127.0.0.1 for a while")).toList();
            assertEquals(1, blocks.size(), "the block is logged once: " + log.list);
        } finally {
            chain.detachAppender(log);
        }
    }

    // ---- helpers ----

    /**
     * A Paho v5 async client, whose tokens carry the PUBACK's reason code: Paho's blocking client (1.2.5) takes a
     * PUBACK 0x87 for a success and says nothing.
     */
    static final class Async5 implements org.eclipse.paho.mqttv5.client.MqttCallback, AutoCloseable {
        final org.eclipse.paho.mqttv5.client.MqttAsyncClient paho;
        /** "topic payload" of what arrived. */
        final java.util.concurrent.BlockingQueue<String> inbox = new java.util.concurrent.LinkedBlockingQueue<>();

        private Async5(org.eclipse.paho.mqttv5.client.MqttAsyncClient paho) {
            this.paho = paho;
            paho.setCallback(this);
        }

        static Async5 connect(String uri, String clientId, MqttConnectionOptions options)
                throws org.eclipse.paho.mqttv5.common.MqttException {
            Async5 client = new Async5(new org.eclipse.paho.mqttv5.client.MqttAsyncClient(uri, clientId,
                    new org.eclipse.paho.mqttv5.client.persist.MemoryPersistence()));
            client.paho.connect(options).waitForCompletion(10_000);
            return client;
        }

        /** Publishes at QoS 1 and returns the PUBACK's reason code. */
        int publish(String topic, String payload) throws org.eclipse.paho.mqttv5.common.MqttException {
            org.eclipse.paho.mqttv5.common.MqttMessage message = new org.eclipse.paho.mqttv5.common.MqttMessage(
                    payload.getBytes(StandardCharsets.UTF_8));
            message.setQos(1);
            org.eclipse.paho.mqttv5.client.IMqttToken token = paho.publish(topic, message);
            token.waitForCompletion(10_000);
            return token.getReasonCodes()[0];
        }

        /** Subscribes one filter at QoS 1 and returns the SUBACK's reason code. */
        int subscribe(String filter) throws org.eclipse.paho.mqttv5.common.MqttException {
            org.eclipse.paho.mqttv5.client.IMqttToken token = paho.subscribe(new MqttSubscription(filter, 1));
            token.waitForCompletion(10_000);
            return token.getReasonCodes()[0];
        }

        @Override
        public void messageArrived(String topic, org.eclipse.paho.mqttv5.common.MqttMessage message) {
            inbox.add(topic + " " + new String(message.getPayload(), StandardCharsets.UTF_8));
        }

        @Override
        public void disconnected(org.eclipse.paho.mqttv5.client.MqttDisconnectResponse response) {
        }

        @Override
        public void mqttErrorOccurred(org.eclipse.paho.mqttv5.common.MqttException exception) {
        }

        @Override
        public void deliveryComplete(org.eclipse.paho.mqttv5.client.IMqttToken token) {
        }

        @Override
        public void connectComplete(boolean reconnect, String serverUri) {
        }

        @Override
        public void authPacketArrived(int reasonCode, org.eclipse.paho.mqttv5.common.packet.MqttProperties props) {
        }

        @Override
        public void close() {
            try {
                if (paho.isConnected()) {
                    paho.disconnect().waitForCompletion(1_000);
                }
            } catch (org.eclipse.paho.mqttv5.common.MqttException ignored) {
                // already gone
            }
            try {
                paho.close(true);
            } catch (org.eclipse.paho.mqttv5.common.MqttException ignored) {
                // already closed
            }
        }
    }

    private static void passwd(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Passwd.run(args, new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, code, "ternmq passwd " + String.join(" ", args) + ": " + err.toString(StandardCharsets.UTF_8));
    }

    /** mosquitto_pub's or mosquitto_sub's arguments for the shared broker at MQTT 3.1.1, then these. */
    private static String[] mosquitto(String... args) {
        List<String> all = new ArrayList<>(List.of("-h", "127.0.0.1", "-p", Integer.toString(broker.port),
                "-V", "mqttv311"));
        all.addAll(List.of(args));
        return all.toArray(String[]::new);
    }

    record Run(int exit, String stdout, String stderr) {
        @Override
        public String toString() {
            return "exit " + exit + ", stdout [" + stdout.strip() + "], stderr [" + stderr.strip() + "]";
        }
    }

    private static Run mosquittoPub(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("mosquitto_pub"));
        command.addAll(List.of(mosquitto(args)));
        Process p = new ProcessBuilder(command).start();
        p.getOutputStream().close();
        assertTrue(p.waitFor(20, TimeUnit.SECONDS), String.join(" ", command) + " hung");
        return new Run(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    private static PahoClients.Client connect3(String clientId, String user, String password) throws MqttException {
        MqttConnectOptions options = PahoClients.options(MqttConnectOptions.MQTT_VERSION_3_1_1, true);
        options.setUserName(user);
        options.setPassword(password.toCharArray());
        return PahoClients.connect(broker, clientId, options);
    }

    private static MqttConnectionOptions options5(String user, String password) {
        MqttConnectionOptions options = Paho5.options(true, 0L);
        options.setUserName(user);
        options.setPassword(password.getBytes(StandardCharsets.UTF_8));
        return options;
    }

    private static Paho5 connect5(String uri, String clientId, MqttConnectionOptions options)
            throws org.eclipse.paho.mqttv5.common.MqttException {
        return Paho5.connect(uri, clientId, options);
    }

    /** The SUBACK code of one filter at QoS 1: the granted QoS, or 0x80. */
    private static int subscribe3(PahoClients.Client client, String filter) throws MqttException {
        return client.paho.subscribeWithResponse(new String[] {filter}, new int[] {1}).getGrantedQos()[0];
    }

    /** The SUBACK reason code of one filter at QoS 1. */
    private static int subscribe5(Paho5 client, String filter) throws org.eclipse.paho.mqttv5.common.MqttException {
        return client.paho.subscribe(new MqttSubscription[] {new MqttSubscription(filter, 1)}).getReasonCodes()[0];
    }

    private static void assertReceived(PahoClients.Client client, String topic, String text)
            throws InterruptedException {
        PahoClients.Received r = client.next();
        assertNotNull(r, "nothing arrived; expected " + topic + " " + text);
        assertEquals(topic + " " + text, r.topic() + " " + r.text());
    }

    /** The CONNACK return code of a CONNECT that must be refused (3.1.1). */
    private static int refused3(String uri, String clientId, MqttConnectOptions options) throws Exception {
        MqttClient client = new MqttClient(uri, clientId, new MemoryPersistence());
        try {
            client.connect(options);
            client.disconnectForcibly(1_000);
            throw new AssertionError(clientId + " was accepted; a refusal was expected");
        } catch (MqttException e) {
            return e.getReasonCode();
        } finally {
            client.close(true);
        }
    }

    /** The CONNACK reason code of a CONNECT that must be refused (5.0). */
    private static int refused5(String uri, String clientId, MqttConnectionOptions options) throws Exception {
        org.eclipse.paho.mqttv5.client.MqttClient client = new org.eclipse.paho.mqttv5.client.MqttClient(uri,
                clientId, new org.eclipse.paho.mqttv5.client.persist.MemoryPersistence());
        try {
            client.connect(options);
            client.disconnectForcibly(1_000);
            throw new AssertionError(clientId + " was accepted; a refusal was expected");
        } catch (org.eclipse.paho.mqttv5.common.MqttException e) {
            return e.getReasonCode();
        } finally {
            client.close(true);
        }
    }
}
