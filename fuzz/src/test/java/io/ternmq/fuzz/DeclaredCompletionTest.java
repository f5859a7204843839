package io.ternmq.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ternmq.fuzz.Completion.Status;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class DeclaredCompletionTest {

    private static final int CAP = 64 * 1024;

    private static Completion of(String hex) {
        return FuzzCase.declaredCompletion(HexFormat.ofDelimiter(" ").parseHex(hex), CAP);
    }

    @Test
    void aWholePacketIsComplete() {
        assertEquals(new Completion(Status.COMPLETE, 0, 2), of("c0 00"));
        assertEquals(new Completion(Status.COMPLETE, 0, 4), of("40 02 00 01"));
    }

    @Test
    void bytesAfterTheDeclaredEndAreTheNextPacket() {
        assertEquals(new Completion(Status.COMPLETE, 0, 6), of("40 02 00 01 c0 00"));
        // Remaining Length lowered to 1: "01" starts a packet of type 0 whose length byte is missing.
        assertEquals(new Completion(Status.PADDED, 1, 5), of("40 01 00 01"));
        // Lowered to 0: "00 06" is then the header of a (type 0) packet of six bytes, two of them present.
        assertEquals(new Completion(Status.PADDED, 4, 10), of("30 00 00 06 66 75"));
    }

    @Test
    void aTruncationThatKeptTheLengthIsPaddedWithZeros() {
        assertEquals(new Completion(Status.PADDED, 3, 7), of("90 05 00 02"));
        assertEquals(new Completion(Status.PADDED, 2, 4), of("40 02"));
    }

    @Test
    void aHeaderCutInsideItsRemainingLengthIsEndedByAZero() {
        assertEquals(new Completion(Status.PADDED, 1, 2), of("30"));
        // 85 00 is 5, not minimally encoded; then five body bytes.
        assertEquals(new Completion(Status.PADDED, 6, 8), of("30 85"));
        assertEquals(new Completion(Status.PADDED, 1, 5), of("30 80 80 80"));
    }

    @Test
    void aFifthLengthByteIsABadHeader() {
        assertEquals(Status.BAD_HEADER, of("30 ff ff ff ff 7f").status());
        assertEquals(Status.BAD_HEADER, of("30 80 80 80 80 00 00").status());
        assertEquals(Status.BAD_HEADER, of("c0 00 30 80 80 80 80").status(), "in a following packet too");
        assertEquals(-1, of("30 ff ff ff ff 7f").declared());
    }

    @Test
    void theCapBoundsThePadding() {
        byte[] justFits = HexFormat.of().parseHex("30fcff03"); // 65532 + 4 header bytes = 65536
        assertEquals(new Completion(Status.PADDED, 65_532, CAP), FuzzCase.declaredCompletion(justFits, CAP));
        byte[] oneOver = HexFormat.of().parseHex("30fdff03");
        assertEquals(new Completion(Status.BEYOND_CAP, 0, CAP + 1), FuzzCase.declaredCompletion(oneOver, CAP));
        assertEquals(new Completion(Status.BEYOND_CAP, 0, 268_435_460L), of("30 ff ff ff 7f 00 01"));
    }

    @Test
    void paddingEndsTheGeneratedCasesOnAPacketBoundary() {
        int[] statuses = new int[Status.values().length];
        new FuzzCases(11).stream(10_000).forEach(c -> {
            Completion done = c.completion(CAP);
            statuses[done.status().ordinal()]++;
            byte[] sent = Arrays.copyOf(c.packet(), c.packet().length + done.padding());
            long at = 0;
            boolean badHeader = false;
            boolean headerCut = false;
            while (at < sent.length) {
                FixedHeader h = FixedHeader.parse(sent, (int) at);
                badHeader = h.remainingLength() == -2;
                headerCut = h.remainingLength() == -1;
                if (badHeader || headerCut) {
                    break;
                }
                at += h.headerLength() + h.remainingLength();
            }
            switch (done.status()) {
                case COMPLETE, PADDED -> {
                    assertTrue(!badHeader && !headerCut, "whole headers: " + c);
                    assertEquals(sent.length, at, "ends on a boundary: " + c);
                    assertEquals(sent.length, done.declared(), c.toString());
                }
                case BEYOND_CAP -> assertTrue((at > sent.length || headerCut) && done.declared() > CAP, c.toString());
                case BAD_HEADER -> assertTrue(badHeader, c.toString());
            }
        });
        for (Status s : Status.values()) {
            assertTrue(statuses[s.ordinal()] > 0, s + " occurs: " + Arrays.toString(statuses));
        }
    }
}
