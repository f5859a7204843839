package io.ternmq.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ternmq.core.session.SessionOwner;
import java.io.ByteArrayOutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A TCP connection is accepted on any I/O event loop and moves, at CONNECT, to the loop that owns its client
 * id's session. What the client sent together with CONNECT (in the same TCP segment) is held during the move
 * and acted on afterwards, in order.
 */
class SessionLoopIT extends SharedBrokerIT {

    @Test
    void packetsSentWithConnectAreActedOnInOrderAfterTheMove() throws Exception {
        // Connections are accepted on the I/O loops in turn, so of two consecutive connections whose sessions
        // share one owner, at least one is accepted on another loop and moves.
        String first = "loop-a";
        SessionOwner owner = broker.server.engine().registry.ownerOf(first);
        String second = null;
        for (int i = 0; second == null; i++) {
            if (broker.server.engine().registry.ownerOf("loop-b" + i) == owner) {
                second = "loop-b" + i;
            }
        }
        assertTrue(owner.eventLoop() != null, "sessions live on the I/O event loops");
        assumeTrue(Runtime.getRuntime().availableProcessors() >= 2, "one I/O event loop: nothing ever moves");
        long movedBefore = broker.server.engine().metrics.connectionsMoved.sum();
        for (String clientId : List.of(first, second)) {
            try (RawMqtt raw = new RawMqtt(broker.port)) {
                raw.socket.getOutputStream().write(connectSubscribePublishPing(clientId));
                raw.socket.getOutputStream().flush();
                assertEquals(2, next(raw).type(), clientId + ": CONNACK first");
                RawMqtt.Packet subAck = next(raw);
                assertEquals(9, subAck.type(), clientId + ": then SUBACK");
                assertEquals(1, subAck.body()[2], clientId + ": granted QoS 1");
                // Its own PUBLISH comes back (it subscribed to the topic) and is acknowledged, in either order.
                Set<Integer> types = new HashSet<>(List.of(next(raw).type(), next(raw).type()));
                assertEquals(Set.of(3, 4), types, clientId + ": PUBLISH and PUBACK");
                assertEquals(13, next(raw).type(), clientId + ": PINGRESP last");
                assertNull(raw.read(300), clientId + ": nothing more");
            }
        }
        assertTrue(broker.server.engine().metrics.connectionsMoved.sum() > movedBefore,
                "at least one of the two connections moved to its session's loop");
    }

    @Test
    void aClientThatClosesRightAfterConnectGivesItsConnectionSlotBack() throws Exception {
        // CONNECT and at once FIN, in one segment: the close lands while the connection moves to its session's
        // loop, when the pipeline is torn down before channelInactive could reach the connection limiter. Each
        // slot must still come back, or the broker would refuse everyone once max-connections such clients came.
        try (TestBroker own = TestBroker.start(Map.of("TERNMQ_LIMITS_MAX_CONNECTIONS", "4"))) {
            for (int i = 0; i < 24; i++) {
                try (Socket socket = new Socket("127.0.0.1", own.port)) {
                    socket.getOutputStream().write(RawMqtt.connectPacket("gone-" + i, 60));
                    socket.shutdownOutput();
                    socket.setSoTimeout(10_000);
                    // The broker has accepted this one and closed it once its end of the stream arrives.
                    try {
                        while (socket.getInputStream().read() != -1) {
                            // a CONNACK, when the CONNECT was acted on before the close
                        }
                    } catch (java.net.SocketException reset) {
                        // closed at once: refused over the limit (what a leaked slot leads to)
                    }
                }
            }
            for (int i = 0; i < 100 && own.server.engine().installer.openConnections() > 0; i++) {
                Thread.sleep(50);
            }
            assertEquals(0, own.server.engine().installer.openConnections(), "every slot given back");
            List<RawMqtt> after = new java.util.ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) {
                    RawMqtt raw = new RawMqtt(own.port);
                    after.add(raw);
                    byte[] connAck = raw.connect("after-" + i, 60);
                    assertEquals(0x20, connAck[0], "CONNACK");
                    assertEquals(0, connAck[3], "accepted: all 4 slots of the limit are free");
                }
            } finally {
                for (RawMqtt raw : after) {
                    raw.close();
                }
            }
        }
    }

    @Test
    void oneIoThreadRunsEverySessionAndNothingMoves() throws Exception {
        // listeners.io-threads: 1 puts every connection and every session on one event loop: Paho clients on it
        // exchange messages as on the default, and no connection ever needs to move at CONNECT.
        assumeTrue(Runtime.getRuntime().availableProcessors() >= 2, "one core: one loop by default anyway");
        try (TestBroker own = TestBroker.start(Map.of("TERNMQ_LISTENERS_IO_THREADS", "1"));
             PahoClients.Client sub = PahoClients.connect(own, "one-loop-sub",
                     org.eclipse.paho.client.mqttv3.MqttConnectOptions.MQTT_VERSION_3_1_1, true);
             PahoClients.Client pub = PahoClients.connect(own, "one-loop-pub",
                     org.eclipse.paho.client.mqttv3.MqttConnectOptions.MQTT_VERSION_3_1_1, true)) {
            SessionOwner owner = own.server.engine().registry.ownerOf("one-loop-sub");
            for (int i = 0; i < 64; i++) {
                assertEquals(owner, own.server.engine().registry.ownerOf("client-" + i), "one owner for all");
            }
            sub.paho.subscribe("one-loop/#", 1);
            for (int i = 0; i < 20; i++) {
                pub.publish("one-loop/t", "m" + i, 1);
            }
            for (int i = 0; i < 20; i++) {
                PahoClients.Received r = sub.next();
                assertNotNull(r, "message " + i + " missing");
                assertEquals("m" + i, r.text());
            }
            assertEquals(0, own.server.engine().metrics.connectionsMoved.sum(), "nothing moves with one loop");
        }
    }

    private static RawMqtt.Packet next(RawMqtt raw) throws Exception {
        RawMqtt.Packet p = raw.read(10_000);
        assertNotNull(p, "a packet expected");
        return p;
    }

    /** MQTT 3.1.1 CONNECT, SUBSCRIBE to "loop/{id}" at QoS 1, PUBLISH QoS 1 there, PINGREQ: one write. */
    private static byte[] connectSubscribePublishPing(String clientId) {
        byte[] topic = ("loop/" + clientId).getBytes(StandardCharsets.US_ASCII);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(RawMqtt.connectPacket(clientId, 60));
        packet(out, 0x82, new byte[] {0, 1, 0, (byte) topic.length}, topic, new byte[] {1});
        packet(out, 0x32, new byte[] {0, (byte) topic.length}, topic, new byte[] {0, 7, 'x'});
        out.write(0xC0);
        out.write(0);
        return out.toByteArray();
    }

    private static void packet(ByteArrayOutputStream out, int firstByte, byte[] head, byte[] middle, byte[] tail) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(head);
        body.writeBytes(middle);
        body.writeBytes(tail);
        out.writeBytes(RawMqtt.packet(firstByte, body.toByteArray()));
    }
}
