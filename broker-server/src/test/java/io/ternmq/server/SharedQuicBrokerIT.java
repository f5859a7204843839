package io.ternmq.server;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** {@link SharedBrokerIT} with one QUIC client context (event loop, UDP socket, TLS context) for the class. */
abstract class SharedQuicBrokerIT extends SharedBrokerIT {

    static QuicMqttClient.Context context;

    @BeforeAll
    static void clientContext() throws Exception {
        context = new QuicMqttClient.Context(broker.certificate());
    }

    @AfterAll
    static void closeContext() {
        context.close();
    }
}
