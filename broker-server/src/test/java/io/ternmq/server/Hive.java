package io.ternmq.server;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.lifecycle.MqttDisconnectSource;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5ClientBuilder;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/** HiveMQ MQTT client (MQTT 5) against a test broker, recording why the server disconnected it. */
final class Hive {

    final Mqtt5BlockingClient client;
    final BlockingQueue<Throwable> disconnects = new LinkedBlockingQueue<>();

    private Hive(Mqtt5ClientBuilder builder) {
        this.client = builder.addDisconnectedListener(ctx -> {
            if (ctx.getSource() == MqttDisconnectSource.SERVER) {
                disconnects.add(ctx.getCause());
            }
        }).buildBlocking();
    }

    static Hive of(TestBroker broker, String clientId) {
        return new Hive(MqttClient.builder().useMqttVersion5().identifier(clientId)
                .serverHost("127.0.0.1").serverPort(broker.port));
    }

    /** No client identifier: the broker assigns one. */
    static Hive withoutId(TestBroker broker) {
        return new Hive(MqttClient.builder().useMqttVersion5().serverHost("127.0.0.1").serverPort(broker.port));
    }

    void disconnectQuietly() {
        try {
            client.disconnect();
        } catch (RuntimeException ignored) {
            // already disconnected
        }
    }
}
