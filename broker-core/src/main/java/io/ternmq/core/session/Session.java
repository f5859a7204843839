package io.ternmq.core.session;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttPublishVariableHeader;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.ternmq.core.connection.CloseReason;
import io.ternmq.core.connection.Connection;
import io.ternmq.core.message.PublishMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One client id's session. Every method runs on its {@link SessionOwner}; nothing here is locked.
 *
 * <p>Delivery keeps order: a message goes straight to the socket only when nothing is queued ahead of it, the
 * socket is writable and (QoS 1) the in-flight window has room; otherwise it joins the bounded queue, which
 * drops its oldest entry when full. The queue drains when the socket becomes writable again, when a PUBACK
 * frees a window slot, and when the client reconnects.
 */
public final class Session {

    private final String clientId;
    private final boolean persistent;
    private final SessionOwner owner;
    private final SessionData data;
    private final SessionRegistry registry;
    private final int maxInflight;

    private Connection connection;
    private int lastPacketId;
    private boolean discarded;

    Session(String clientId, boolean persistent, SessionOwner owner, SessionData data, SessionRegistry registry,
            int maxInflight) {
        this.clientId = clientId;
        this.persistent = persistent;
        this.owner = owner;
        this.data = data;
        this.registry = registry;
        this.maxInflight = maxInflight;
    }

    public String clientId() {
        return clientId;
    }

    public boolean persistent() {
        return persistent;
    }

    public SessionOwner owner() {
        return owner;
    }

    public Connection connection() {
        return connection;
    }

    /** For tests and the admin API: queued (not yet sent) deliveries. */
    public int queued() {
        return data.queueSize();
    }

    /** For tests and the admin API: QoS 1 deliveries sent and not yet acknowledged. */
    public int inflight() {
        return data.inflightSize();
    }

    public Map<String, Integer> subscriptions() {
        return data.subscriptions();
    }

    // ---- lifecycle, driven by SessionRegistry ----

    void attach(Connection newConnection) {
        this.connection = newConnection;
    }

    /** The client of a resumed session is back: resend unacknowledged QoS 1 with DUP=1, then the queue. */
    public void resume() {
        if (connection == null) {
            return;
        }
        for (Map.Entry<Integer, Delivery> e : data.inflight().entrySet()) {
            connection.write(publishPacket(e.getValue(), e.getKey(), true));
        }
        drain();
        connection.flush();
    }

    void takeOver() {
        if (connection != null) {
            Connection old = connection;
            connection = null;
            old.close(CloseReason.SESSION_TAKEN_OVER);
        }
    }

    /** The connection went away. A clean session ends with it; a persistent one keeps QoS 1 state. */
    public void detach(Connection gone) {
        if (connection != gone || discarded) {
            return;
        }
        connection = null;
        if (persistent) {
            registry.metrics().droppedOffline.add(data.dropQueuedQos0());
        } else {
            registry.end(this);
        }
    }

    /** Unsubscribes everything and forgets the stored state; the session object is dead afterwards. */
    void discard() {
        discarded = true;
        for (String filter : new ArrayList<>(data.subscriptions().keySet())) {
            registry.trie().unsubscribe(filter, clientId);
        }
        if (persistent) {
            registry.store().remove(clientId);
        }
    }

    boolean discarded() {
        return discarded;
    }

    // ---- subscriptions ----

    /** Adds a validated filter at its granted QoS. */
    public void subscribe(String filter, int grantedQos) {
        registry.trie().subscribe(filter, clientId, new Subscriber(clientId, grantedQos));
        data.putSubscription(filter, grantedQos);
    }

    /** Removes a filter; true if the session had it. */
    public boolean unsubscribe(String filter) {
        boolean had = data.subscriptions().containsKey(filter);
        registry.trie().unsubscribe(filter, clientId);
        data.removeSubscription(filter);
        return had;
    }

    // ---- delivery ----

    /** A message routed to this session. */
    public void deliver(Delivery delivery) {
        if (discarded) {
            return;
        }
        if (connection == null) {
            if (delivery.qos() == 0) {
                registry.metrics().droppedOffline.increment();
            } else {
                enqueue(delivery);
            }
            return;
        }
        if (data.queueSize() == 0 && canSend(delivery)) {
            send(delivery);
            connection.flush();
        } else {
            enqueue(delivery);
            drain();
            connection.flush();
        }
    }

    /** The client acknowledged a QoS 1 delivery. */
    public void acknowledged(int packetId) {
        if (data.removeInflight(packetId) != null && connection != null) {
            drain();
            connection.flush();
        }
    }

    /** The socket can take more: send what waited. */
    public void writable() {
        if (connection != null) {
            drain();
            connection.flush();
        }
    }

    private void enqueue(Delivery delivery) {
        if (data.offer(delivery) != null) {
            registry.metrics().droppedQueueFull.increment();
        }
    }

    private void drain() {
        Delivery head;
        while ((head = data.peek()) != null && canSend(head)) {
            send(data.poll());
        }
    }

    private boolean canSend(Delivery delivery) {
        return connection.isWritable() && (delivery.qos() == 0 || data.inflightSize() < maxInflight);
    }

    private void send(Delivery delivery) {
        int packetId = 0;
        if (delivery.qos() > 0) {
            packetId = nextPacketId();
            data.putInflight(packetId, delivery);
        }
        connection.write(publishPacket(delivery, packetId, false));
        registry.metrics().messagesDelivered.increment();
    }

    /** MQTT-2.3.1-2: a packet id not used by another unacknowledged delivery, 1..65535. */
    private int nextPacketId() {
        do {
            lastPacketId = lastPacketId == 0xFFFF ? 1 : lastPacketId + 1;
        } while (data.inflightContains(lastPacketId));
        return lastPacketId;
    }

    private static MqttPublishMessage publishPacket(Delivery delivery, int packetId, boolean dup) {
        PublishMessage m = delivery.message();
        MqttFixedHeader fixed = new MqttFixedHeader(MqttMessageType.PUBLISH, dup,
                MqttQoS.valueOf(delivery.qos()), false, 0);
        return new MqttPublishMessage(fixed, new MqttPublishVariableHeader(m.topic(), packetId),
                Unpooled.wrappedBuffer(m.payload()));
    }

    /** Deliveries in flight, oldest first; for tests. */
    List<Integer> inflightIds() {
        return new ArrayList<>(data.inflight().keySet());
    }
}
