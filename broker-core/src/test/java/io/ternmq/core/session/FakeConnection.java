package io.ternmq.core.session;

import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.util.ReferenceCountUtil;
import io.ternmq.core.connection.CloseReason;
import io.ternmq.core.connection.Connection;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link Connection} whose writability the test controls. Each PUBLISH written is recorded as
 * "topic payload qos=Q id=N" (plus " dup" when DUP is set), and the message is released as a socket would.
 */
final class FakeConnection implements Connection {

    final List<String> written = new ArrayList<>();
    int flushes;
    CloseReason closedWith;
    private boolean writable = true;
    /** When not negative, the connection turns unwritable after this many more writes. */
    private int writesUntilFull = -1;

    void writable(boolean writable) {
        this.writable = writable;
    }

    void fullAfter(int writes) {
        this.writesUntilFull = writes;
    }

    /** The recorded PUBLISH lines, cleared. */
    List<String> take() {
        List<String> out = new ArrayList<>(written);
        written.clear();
        return out;
    }

    @Override
    public String transport() {
        return "fake";
    }

    @Override
    public SocketAddress remoteAddress() {
        return InetSocketAddress.createUnresolved("fake", 1);
    }

    @Override
    public int protocolLevel() {
        return 4;
    }

    @Override
    public boolean isWritable() {
        return writable;
    }

    @Override
    public void write(MqttMessage message) {
        try {
            if (message.fixedHeader().messageType() == MqttMessageType.PUBLISH) {
                MqttPublishMessage p = (MqttPublishMessage) message;
                written.add(p.variableHeader().topicName() + " " + p.content().toString(StandardCharsets.UTF_8)
                        + " qos=" + p.fixedHeader().qosLevel().value() + " id=" + p.variableHeader().packetId()
                        + (p.fixedHeader().isDup() ? " dup" : ""));
            } else {
                written.add(message.fixedHeader().messageType().name());
            }
        } finally {
            ReferenceCountUtil.release(message);
        }
        if (writesUntilFull > 0 && --writesUntilFull == 0) {
            writable = false;
            writesUntilFull = -1;
        }
    }

    @Override
    public void flush() {
        flushes++;
    }

    @Override
    public void close(CloseReason reason) {
        closedWith = reason;
    }
}
