package io.ternmq.transport.quic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Address validation tokens: bound to the client's address, short-lived, unforgeable, and good for one use. */
class RetryTokenHandlerTest {

    private static final InetSocketAddress CLIENT = new InetSocketAddress("127.0.0.1", 40000);
    private static final ByteBuf ODCID = Unpooled.wrappedBuffer(HexFormat.of().parseHex("0102030405060708"));

    private final MutableClock clock = new MutableClock();
    private final RetryTokenHandler tokens = new RetryTokenHandler(clock);

    private ByteBuf token() {
        ByteBuf out = Unpooled.buffer();
        assertTrue(tokens.writeToken(out, ODCID.duplicate(), CLIENT));
        assertTrue(out.readableBytes() <= tokens.maxTokenLength());
        return out;
    }

    @Test
    void aTokenIsValidOnceForItsAddressAndCarriesTheOriginalConnectionId() {
        ByteBuf token = token();
        int offset = tokens.validateToken(token.duplicate(), CLIENT);
        assertEquals(ODCID, token.slice(offset, token.readableBytes() - offset), "the ODCID follows the offset");
        assertEquals(-1, tokens.validateToken(token.duplicate(), CLIENT), "a replayed token is refused");
        assertEquals(1, tokens.refused());
    }

    @Test
    void anotherAddressAnotherPortIsFineButNotAnotherIp() {
        assertTrue(tokens.validateToken(token(), new InetSocketAddress("127.0.0.1", 40001)) > 0,
                "the port may change between Initials (NAT)");
        assertEquals(-1, tokens.validateToken(token(), new InetSocketAddress("127.0.0.2", 40000)));
    }

    @Test
    void expiredForgedAndTruncatedTokensAreRefused() {
        ByteBuf expired = token();
        clock.now = clock.now.plusMillis(RetryTokenHandler.LIFETIME_MILLIS + 1);
        assertEquals(-1, tokens.validateToken(expired, CLIENT));

        ByteBuf forged = token();
        forged.setByte(3, forged.getByte(3) ^ 1);
        assertEquals(-1, tokens.validateToken(forged, CLIENT));

        ByteBuf otherOdcid = token();
        otherOdcid.setByte(otherOdcid.writerIndex() - 1, 0x7f);
        assertEquals(-1, tokens.validateToken(otherOdcid, CLIENT));

        assertEquals(-1, tokens.validateToken(Unpooled.wrappedBuffer(new byte[10]), CLIENT));
        assertEquals(-1, tokens.validateToken(token(), CLIENT) == -1 ? 0 : -1, "a fresh token still works");
    }

    @Test
    void anotherBrokerProcessCannotValidateTheToken() {
        assertEquals(-1, new RetryTokenHandler(clock).validateToken(token(), CLIENT), "the key is made at start-up");
    }

    private static final class MutableClock extends Clock {
        Instant now = Instant.parse("2025-01-01T00:00:00Z");

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
