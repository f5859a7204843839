package io.ternmq.server;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

/** An Eclipse Paho mqttv5 client recording what arrives. */
final class Paho5 implements MqttCallback, AutoCloseable {

    record Received(String topic, MqttMessage message) {
        String text() {
            return new String(message.getPayload(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    final MqttClient paho;
    final BlockingQueue<Received> inbox = new LinkedBlockingQueue<>();
    /** The reason codes of the server's DISCONNECTs. */
    final BlockingQueue<Integer> disconnects = new LinkedBlockingQueue<>();
    /** The reason codes of each completed QoS 1 publish's PUBACK, in order. */
    final BlockingQueue<int[]> pubAcks = new LinkedBlockingQueue<>();
    boolean sessionPresent;

    private Paho5(MqttClient paho) {
        this.paho = paho;
        paho.setCallback(this);
    }

    static MqttConnectionOptions options(boolean cleanStart, Long sessionExpiry) {
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setCleanStart(cleanStart);
        o.setSessionExpiryInterval(sessionExpiry);
        o.setAutomaticReconnect(false);
        o.setConnectionTimeout(10);
        o.setKeepAliveInterval(60);
        return o;
    }

    static Paho5 connect(TestBroker broker, String clientId, MqttConnectionOptions options) throws MqttException {
        return connect(broker.uri(), clientId, options);
    }

    /** Any URI: tcp://, or ssl:// with the options' socket factory. */
    static Paho5 connect(String uri, String clientId, MqttConnectionOptions options) throws MqttException {
        Paho5 c = new Paho5(new MqttClient(uri, clientId, new MemoryPersistence()));
        c.paho.setTimeToWait(10_000);
        IMqttToken token = c.paho.connectWithResult(options);
        c.sessionPresent = token.getSessionPresent();
        return c;
    }

    static Paho5 connect(TestBroker broker, String clientId) throws MqttException {
        return connect(broker, clientId, options(true, 0L));
    }

    Received next() throws InterruptedException {
        return inbox.poll(10, TimeUnit.SECONDS);
    }

    Received nextOrNull(long millis) throws InterruptedException {
        return inbox.poll(millis, TimeUnit.MILLISECONDS);
    }

    void publish(String topic, String payload, int qos, MqttProperties properties) throws MqttException {
        MqttMessage m = new MqttMessage(payload.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        m.setQos(qos);
        if (properties != null) {
            m.setProperties(properties);
        }
        paho.publish(topic, m);
    }

    @Override
    public void disconnected(MqttDisconnectResponse response) {
        disconnects.add(response.getReturnCode());
    }

    @Override
    public void mqttErrorOccurred(MqttException exception) {
    }

    @Override
    public void messageArrived(String topic, MqttMessage message) {
        inbox.add(new Received(topic, message));
    }

    @Override
    public void deliveryComplete(IMqttToken token) {
        if (token.getReasonCodes() != null) {
            pubAcks.add(token.getReasonCodes());
        }
    }

    @Override
    public void connectComplete(boolean reconnect, String serverURI) {
    }

    @Override
    public void authPacketArrived(int reasonCode, MqttProperties properties) {
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
