package io.ternmq.core.protocol;

/**
 * What an MQTT 5 client said about itself in CONNECT, for the broker's writes to it. MQTT 3.x clients get
 * {@link #MQTT3}: no limits beyond the broker's own.
 *
 * @param receiveMaximum      unacknowledged QoS 1 PUBLISH the client accepts at once (MQTT-3.3.4-9)
 * @param maximumPacketSize   the largest packet it accepts, 0 for no limit (5.0 MQTT-3.1.2-24)
 * @param topicAliasMaximum   broker-to-client topic aliases it accepts (MQTT-3.1.2-26)
 * @param problemInformation  false when it asked for no Reason String or User Properties on acks (MQTT-3.1.2-29)
 */
record ClientSettings(int receiveMaximum, long maximumPacketSize, int topicAliasMaximum,
                      boolean problemInformation) {

    static final ClientSettings MQTT3 = new ClientSettings(Integer.MAX_VALUE, 0, 0, true);
}
