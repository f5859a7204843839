package io.ternmq.core.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The MQTT bytes of every connection are counted in and out, exactly what crossed the socket. */
class ByteCounterTest {

    @Test
    void countsEveryByteReadAndWritten() {
        TestEngine broker = TestEngine.start();
        byte[] connect = Hex.bytes(Packets.connect("bytes", true, 60));
        WireClient client = WireClient.open(broker).send(connect);
        assertEquals("20 02 00 00", client.read());
        client.send("c0 00"); // PINGREQ
        assertEquals("D0 00", client.read()); // PINGRESP

        assertEquals(connect.length + 2, broker.metrics().bytesIn.sum());
        assertEquals(4 + 2, broker.metrics().bytesOut.sum());
        client.drop();
    }
}
