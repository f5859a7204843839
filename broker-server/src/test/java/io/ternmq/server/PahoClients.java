package io.ternmq.server;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/** Eclipse Paho mqttv3 clients as a device would use them, recording what arrives and when they are dropped. */
final class PahoClients {

    /** What a client received, in order. */
    record Received(String topic, MqttMessage message) {
        String text() {
            return new String(message.getPayload(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    /** A connected client plus its inbox and a record of connection loss. */
    static final class Client implements MqttCallback, AutoCloseable {
        final MqttClient paho;
        final BlockingQueue<Received> inbox = new LinkedBlockingQueue<>();
        final BlockingQueue<Throwable> lost = new LinkedBlockingQueue<>();
        /** CONNACK's session present flag of the last connect through {@link PahoClients#connect}. */
        boolean sessionPresent;

        Client(MqttClient paho) {
            this.paho = paho;
            paho.setCallback(this);
        }

        Received next() throws InterruptedException {
            return inbox.poll(10, TimeUnit.SECONDS);
        }

        Received nextOrNull(long millis) throws InterruptedException {
            return inbox.poll(millis, TimeUnit.MILLISECONDS);
        }

        void publish(String topic, String payload, int qos) throws MqttException {
            paho.publish(topic, payload.getBytes(java.nio.charset.StandardCharsets.UTF_8), qos, false);
        }

        @Override
        public void connectionLost(Throwable cause) {
            lost.add(cause == null ? new IllegalStateException("lost") : cause);
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            inbox.add(new Received(topic, message));
        }

        @Override
        public void deliveryComplete(IMqttDeliveryToken token) {
        }

        @Override
        public void close() {
            try {
                if (paho.isConnected()) {
                    paho.disconnect(1000);
                }
            } catch (MqttException ignored) {
                // already gone
            }
            try {
                paho.close(true);
            } catch (MqttException ignored) {
                // already closed
            }
        }
    }

    static MqttConnectOptions options(int mqttVersion, boolean cleanSession) {
        MqttConnectOptions o = new MqttConnectOptions();
        o.setMqttVersion(mqttVersion);
        o.setCleanSession(cleanSession);
        o.setAutomaticReconnect(false);
        o.setConnectionTimeout(10);
        o.setKeepAliveInterval(60);
        o.setMaxInflight(1000);
        return o;
    }

    static Client connect(TestBroker broker, String clientId, int mqttVersion, boolean cleanSession)
            throws MqttException {
        return connect(broker, clientId, options(mqttVersion, cleanSession));
    }

    static Client connect(TestBroker broker, String clientId, MqttConnectOptions options) throws MqttException {
        Client client = new Client(new MqttClient(broker.uri(), clientId, new MemoryPersistence()));
        client.paho.setTimeToWait(10_000);
        client.sessionPresent = client.paho.connectWithResult(options).getSessionPresent();
        return client;
    }

    private PahoClients() {
    }
}
