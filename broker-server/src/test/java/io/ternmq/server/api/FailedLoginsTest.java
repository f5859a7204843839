package io.ternmq.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class FailedLoginsTest {

    private final FailedLogins logins = new FailedLogins();

    @Test
    void theFirstFailuresAreFreeThenEachWaitsTwiceAsLongUpToTheCap() throws Exception {
        InetAddress a = InetAddress.getByName("10.0.0.1");
        for (int i = 0; i < FailedLogins.FREE_FAILURES; i++) {
            assertEquals(0, logins.failed(a, 1_000));
        }
        assertEquals(100, logins.failed(a, 1_000));
        assertEquals(200, logins.failed(a, 1_000));
        assertEquals(400, logins.failed(a, 1_000));
        for (int i = 0; i < 20; i++) {
            logins.failed(a, 1_000);
        }
        assertEquals(FailedLogins.MAX_DELAY_MILLIS, logins.failed(a, 1_000));
        assertEquals(FailedLogins.FREE_FAILURES + 24, logins.total());
    }

    @Test
    void anotherAddressASuccessAndTheEndOfTheWindowStartAfresh() throws Exception {
        InetAddress a = InetAddress.getByName("10.0.0.1");
        InetAddress b = InetAddress.getByName("10.0.0.2");
        for (int i = 0; i <= FailedLogins.FREE_FAILURES; i++) {
            logins.failed(a, 0);
        }
        assertEquals(0, logins.failed(b, 0), "b is not slowed down for a's failures");
        assertEquals(0, logins.failed(a, FailedLogins.WINDOW_MILLIS + 1), "the window is over");
        for (int i = 0; i < FailedLogins.FREE_FAILURES; i++) {
            logins.failed(a, FailedLogins.WINDOW_MILLIS + 1);
        }
        logins.succeeded(a);
        assertEquals(0, logins.failed(a, FailedLogins.WINDOW_MILLIS + 1), "a success forgets the address");
    }
}
