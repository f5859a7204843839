package io.ternmq.server;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Integration tests that share one broker, started once per test class the way the jar starts it. */
abstract class SharedBrokerIT {

    static TestBroker broker;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = TestBroker.start();
    }

    @AfterAll
    static void stopBroker() throws Exception {
        broker.close();
    }
}
