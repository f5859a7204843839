package io.ternmq.core.policy;

import io.ternmq.core.codec.ReasonCode;

/**
 * What the platform rules say about one packet. The protocol handlers carry it out in their client's version:
 * MQTT 5 sends the reason code and the reason as a Reason String, MQTT 3.x closes ({@link Outcome#REFUSE}) or
 * acknowledges without delivering ({@link Outcome#NOT_DELIVERED}: 3.x has no negative PUBACK).
 *
 * @param outcome    accept, or not deliver and carry on, or close the connection
 * @param reasonCode the MQTT 5 reason code for the PUBACK (not delivered) or the DISCONNECT (refused)
 * @param reason     why, in words fit for a Reason String and the log; null when accepted
 * @param rule       the platform rule broken, or null (accepted, or refused by the protocol rather than a rule)
 */
public record Verdict(Outcome outcome, byte reasonCode, String reason, Rule rule) {

    public enum Outcome {
        ACCEPT,
        /** The packet breaks a per-message limit: it is not delivered, the connection stays up. */
        NOT_DELIVERED,
        /** The packet breaks a rule that ends the connection. */
        REFUSE
    }

    public static final Verdict ACCEPT = new Verdict(Outcome.ACCEPT, ReasonCode.SUCCESS, null, null);

    /** A verdict that breaks no platform rule (the protocol's, or the broker's state). */
    public Verdict(Outcome outcome, byte reasonCode, String reason) {
        this(outcome, reasonCode, reason, null);
    }

    static Verdict notDelivered(Rule rule, byte reasonCode, String reason) {
        return new Verdict(Outcome.NOT_DELIVERED, reasonCode, reason, rule);
    }

    static Verdict refuse(Rule rule, byte reasonCode, String reason) {
        return new Verdict(Outcome.REFUSE, reasonCode, reason, rule);
    }

    public boolean accepted() {
        return outcome == Outcome.ACCEPT;
    }
}
