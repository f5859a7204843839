package io.ternmq.transport.tcp;

import io.netty.channel.Channel;

/**
 * What a socket listener puts in front of the shared MQTT pipeline: nothing for plain TCP, the TLS handlers for
 * TLS. Everything after it comes from broker-core's MqttPipelineInstaller, whatever the front.
 */
public interface ListenerFront {

    /** Plain MQTT over TCP: no front at all. */
    ListenerFront PLAIN = new ListenerFront() {
        @Override
        public String transport() {
            return "tcp";
        }

        @Override
        public String description() {
            return "MQTT over TCP";
        }

        @Override
        public void addTo(Channel channel) {
        }
    };

    /** The transport name the MQTT pipeline and the authenticator see, e.g. "tcp" or "tls". */
    String transport();

    /** How the log names the listener, e.g. "MQTT over TLS". */
    String description();

    /** Extra words for the listener's log line, e.g. the TLS engine; empty for none. */
    default String details() {
        return "";
    }

    /** Adds this front's handlers to a new connection's pipeline, before the MQTT handlers. */
    void addTo(Channel channel);
}
