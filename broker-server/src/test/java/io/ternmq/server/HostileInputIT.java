package io.ternmq.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The packets that a fuzzer found left connections open and silent on the old decoder, each sent over a real
 * socket after a valid CONNECT and followed by a PINGREQ: the connection is closed within a second (5.0: after a
 * DISCONNECT with the reason code the specification gives), and the PINGREQ is never answered.
 */
class HostileInputIT extends SharedBrokerIT {

    private static final byte[] PINGREQ = {(byte) 0xC0, 0x00};
    private static final HexFormat HEX = HexFormat.ofDelimiter(" ");

    private static byte[] hex(String hex) {
        return HexFormat.of().parseHex(hex.replace(" ", ""));
    }

    private static byte[] with(byte[] packet, byte[] after) {
        byte[] out = new byte[packet.length + after.length];
        System.arraycopy(packet, 0, out, 0, packet.length);
        System.arraycopy(after, 0, out, packet.length, after.length);
        return out;
    }

    @ParameterizedTest(name = "3.1.1: {0}")
    @ValueSource(strings = {"32 00", "30 02 00 06", "30 03 00 06 66", "E0 02 BA 1E", "A2 07 00 0B 00 06 66 7A 2F"})
    void mqtt311CasesAreClosedWithoutAnAnswer(String packet) throws Exception {
        try (RawMqtt client = new RawMqtt(broker.port)) {
            assertArrayEquals(hex("20 02 00 00"), client.connect("hostile", 0));
            client.write(with(hex(packet), PINGREQ));

            RawMqtt.Ending ending = client.readUntilClosed(1_000);

            assertTrue(ending.closed(), "still open after " + ending.millis() + " ms");
            assertEquals("", HEX.formatHex(ending.received()), "nothing is answered, the PINGREQ least of all");
        }
    }

    @ParameterizedTest(name = "5.0: {0} gives DISCONNECT {1}")
    @CsvSource({
        "20 00, 82",
        "90 00, 82",
        "30 08 00 01 74 7F 01 01 00 00, 81",
        // Property Length 15 for 20 bytes of properties: the Content Type would be read past the block.
        "30 19 00 01 74 0F 01 01 02 00 00 00 3C 03 00 0A 74 65 78 74 2F 70 6C 61 69 6E 78, 81",
    })
    void mqtt5CasesGetTheirDisconnectAndAClose(String packet, String reasonCode) throws Exception {
        try (RawMqtt client = new RawMqtt(broker.port)) {
            assertEquals(0, client.connect5("hostile5")[3], "CONNACK 0x00");
            client.write(with(hex(packet), PINGREQ));

            RawMqtt.Ending ending = client.readUntilClosed(1_000);

            assertTrue(ending.closed(), "still open after " + ending.millis() + " ms");
            byte[] out = ending.received();
            assertTrue(out.length >= 3, "a DISCONNECT: " + HEX.formatHex(out));
            assertEquals(0xE0, out[0] & 0xFF, "a DISCONNECT, not a PINGRESP: " + HEX.formatHex(out));
            assertEquals(Integer.parseInt(reasonCode, 16), out[2] & 0xFF, HEX.formatHex(out));
            assertEquals(2 + (out[1] & 0xFF), out.length, "nothing after the DISCONNECT: " + HEX.formatHex(out));
        }
    }

    @ParameterizedTest(name = "5.0 CONNECT with a malformed property block ({0})")
    @ValueSource(strings = {"7F 00", "11 00 00"})
    void aMqtt5ConnectWithAMalformedPropertyBlockGetsConnack0x81(String properties) throws Exception {
        try (RawMqtt client = new RawMqtt(broker.port)) {
            byte[] connack = client.connect5("hostile-connect", hex(properties));

            assertEquals(0x20, connack[0] & 0xFF);
            assertEquals(0x81, connack[3] & 0xFF, "CONNACK 0x81 Malformed Packet");
            assertTrue(client.readUntilClosed(1_000).closed(), "closed at once, not by the connect timeout");
        }
    }
}
