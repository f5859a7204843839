package io.ternmq.core.session;

/**
 * A persistent session a store kept across a restart, as the registry needs it to bring the session back.
 *
 * @param clientId              the session's client id
 * @param expiryIntervalSeconds its Session Expiry Interval
 * @param offlineSinceMillis    when its connection went away (wall clock), or 0 when it was connected at the stop
 */
public record KeptSession(String clientId, long expiryIntervalSeconds, long offlineSinceMillis) {
}
