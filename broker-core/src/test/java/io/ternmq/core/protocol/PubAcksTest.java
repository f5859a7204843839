package io.ternmq.core.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PubAcksTest {

    private final List<Integer> sent = new ArrayList<>();
    private final List<Boolean> pauses = new ArrayList<>();
    private final PubAcks acks = new PubAcks((id, code, reason) -> sent.add(id), pauses::add);

    @Test
    void anAckWaitsForThoseBeforeItAndGoesInArrivalOrder() {
        PubAcks.Pending first = acks.add(1, 10);
        PubAcks.Pending second = acks.add(2, 10);
        PubAcks.Pending third = acks.add(3, 10);
        third.ready((byte) 0, null);
        second.ready((byte) 0, null);
        assertEquals(List.of(), sent, "nothing goes while the first is not durable");
        first.ready((byte) 0, null);
        assertEquals(List.of(1, 2, 3), sent);
        assertEquals(0, acks.owed());
    }

    @Test
    void readingPausesPastTheCountBoundAndResumesOnceCaughtUp() {
        List<PubAcks.Pending> pending = new ArrayList<>();
        for (int i = 1; i <= PubAcks.PAUSE_AT; i++) {
            pending.add(acks.add(i, 1));
        }
        assertEquals(List.of(), pauses, "at the bound, not past it");
        pending.add(acks.add(PubAcks.PAUSE_AT + 1, 1));
        assertEquals(List.of(true), pauses);
        int resumeAfter = pending.size() - PubAcks.RESUME_AT;
        for (int i = 0; i < resumeAfter - 1; i++) {
            pending.get(i).ready((byte) 0, null);
        }
        assertEquals(List.of(true), pauses, "one more than " + PubAcks.RESUME_AT + " still owed");
        pending.get(resumeAfter - 1).ready((byte) 0, null);
        assertEquals(List.of(true, false), pauses);
    }

    @Test
    void readingPausesPastTheByteBoundWithFewMessages() {
        int weight = 64 * 1024;
        List<PubAcks.Pending> pending = new ArrayList<>();
        int count = (int) (PubAcks.PAUSE_AT_BYTES / weight) + 1;
        for (int i = 1; i <= count; i++) {
            pending.add(acks.add(i, weight));
        }
        assertEquals(List.of(true), pauses, count + " messages of 64 KiB weigh more than the byte bound");
        int keep = (int) (PubAcks.RESUME_AT_BYTES / weight);
        for (int i = 0; i < count - keep; i++) {
            pending.get(i).ready((byte) 0, null);
        }
        assertEquals(List.of(true, false), pauses, "resumed with " + keep + " of 64 KiB owed");
        assertEquals(count - keep, sent.size());
    }
}
