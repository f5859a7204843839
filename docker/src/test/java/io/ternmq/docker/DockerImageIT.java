package io.ternmq.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Volume;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.ImageFromDockerfile;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * The image for real, where a Docker engine runs (skipped, visibly, where none does; docker/ci-image.sh checks
 * the same with podman on every machine): a device created through the mapped admin API signs in over the mapped
 * MQTT port and gets a message, and a new container on the same volume still has its persistent session.
 */
@Testcontainers(disabledWithoutDocker = true)
class DockerImageIT {

    private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
    private static ImageFromDockerfile image;

    @BeforeAll
    static void build() {
        Path jar = ROOT.resolve("broker-server/target/ternmq.jar");
        assertTrue(Files.isRegularFile(jar), "the broker jar is built before this module: " + jar);
        image = new ImageFromDockerfile("localhost/ternmq-it", false)
                .withFileFromPath("docker/Dockerfile", ROOT.resolve("docker/Dockerfile"))
                .withFileFromPath("docker/entrypoint", ROOT.resolve("docker/entrypoint"))
                .withFileFromPath("docker/ternmq.yaml", ROOT.resolve("docker/ternmq.yaml"))
                .withFileFromPath("bin/ternmq", ROOT.resolve("bin/ternmq"))
                .withFileFromPath("broker-server/target/ternmq.jar", jar)
                .withDockerfilePath("docker/Dockerfile");
        // Where no registry can be reached, ci-image.sh passes the base image it made with debootstrap.
        String base = System.getProperty("ternmq.image.base", "");
        if (!base.isBlank()) {
            image.withBuildArg("BASE", base);
        }
    }

    private static GenericContainer<?> broker(String volume) {
        return new GenericContainer<>(image).withExposedPorts(1883, 18083)
                .withCreateContainerCmdModifier(cmd -> cmd.getHostConfig()
                        .withBinds(new Bind(volume, new Volume("/var/lib/ternmq"))))
                .waitingFor(Wait.forLogMessage(".*ternmq ready.*", 1).withStartupTimeout(Duration.ofMinutes(2)));
    }

    @Test
    void aDeviceSignsInThroughTheMappedPortsAndItsSessionOutlivesTheContainer() throws Exception {
        String volume = "ternmq-it-" + UUID.randomUUID();
        String token;
        try (GenericContainer<?> first = broker(volume)) {
            first.start();
            assertTrue(first.getLogs().contains("anonymous clients are refused"), first.getLogs());
            MqttException anonymous = assertThrows(MqttException.class,
                    () -> connect(first, "anon", null, null, true));
            assertEquals(5, anonymous.getReasonCode(), "a container refuses anonymous clients");

            token = first.execInContainer("cat", "/var/lib/ternmq/admin-token").getStdout().strip();
            HttpResponse<String> created = api(first, token, "/api/v1/products/a1it/devices",
                    "{\"deviceName\": \"lamp-0001\", \"deviceSecret\": \"s3cret\"}");
            assertEquals(201, created.statusCode(), created.body());

            BlockingQueue<String> inbox = new LinkedBlockingQueue<>();
            MqttClient device = connect(first, "lamp-c1|securemode=3,signmethod=hmacsha256,timestamp=1|",
                    "lamp-0001&a1it", sign("lamp-c1"), false);
            device.subscribe("/a1it/lamp-0001/user/#", 1, (topic, m) -> inbox.add(new String(m.getPayload(),
                    StandardCharsets.UTF_8)));
            api(first, token, "/api/v1/publish", "{\"topic\": \"/a1it/lamp-0001/user/cmd\", \"payload\": \"live\", "
                    + "\"qos\": 1}");
            assertEquals("live", inbox.poll(10, TimeUnit.SECONDS));
            device.disconnect();
            device.close();
            api(first, token, "/api/v1/publish", "{\"topic\": \"/a1it/lamp-0001/user/cmd\", \"payload\": "
                    + "\"queued\", \"qos\": 1}");
            assertEquals(0, first.execInContainer("/opt/ternmq/bin/entrypoint", "health").getExitCode());
        }
        try (GenericContainer<?> second = broker(volume)) {
            second.start();
            BlockingQueue<String> inbox = new LinkedBlockingQueue<>();
            MqttClient device = new MqttClient("tcp://" + second.getHost() + ":" + second.getMappedPort(1883),
                    "lamp-c1|securemode=3,signmethod=hmacsha256,timestamp=1|", new MemoryPersistence());
            device.setCallback(new org.eclipse.paho.client.mqttv3.MqttCallback() {
                @Override
                public void connectionLost(Throwable cause) {
                }

                @Override
                public void messageArrived(String topic, org.eclipse.paho.client.mqttv3.MqttMessage m) {
                    inbox.add(new String(m.getPayload(), StandardCharsets.UTF_8));
                }

                @Override
                public void deliveryComplete(org.eclipse.paho.client.mqttv3.IMqttDeliveryToken token) {
                }
            });
            device.connect(options("lamp-0001&a1it", sign("lamp-c1"), false));
            String kept = inbox.poll(10, TimeUnit.SECONDS);
            assertNotNull(kept, "the queued message came back with the volume");
            assertEquals("queued", kept);
            device.disconnect();
            device.close();
        }
    }

    private static MqttConnectOptions options(String username, String password, boolean clean) {
        MqttConnectOptions o = new MqttConnectOptions();
        o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        o.setCleanSession(clean);
        o.setAutomaticReconnect(false);
        o.setConnectionTimeout(10);
        if (username != null) {
            o.setUserName(username);
            o.setPassword(password.toCharArray());
        }
        return o;
    }

    private static MqttClient connect(GenericContainer<?> c, String clientId, String username, String password,
                                      boolean clean) throws MqttException {
        MqttClient client = new MqttClient("tcp://" + c.getHost() + ":" + c.getMappedPort(1883), clientId,
                new MemoryPersistence());
        client.connect(options(username, password, clean));
        return client;
    }

    /** The Link SDK's password for device lamp-0001 of a1it with secret s3cret and timestamp 1. */
    private static String sign(String id) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec("s3cret".getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(("clientId" + id + "deviceNamelamp-0001productKeya1it"
                + "timestamp1").getBytes(StandardCharsets.UTF_8)));
    }

    private static HttpResponse<String> api(GenericContainer<?> c, String token, String path, String body)
            throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://" + c.getHost() + ":"
                        + c.getMappedPort(18083) + path)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
