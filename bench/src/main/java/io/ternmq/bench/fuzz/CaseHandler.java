package io.ternmq.bench.fuzz;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.ternmq.fuzz.Completion;
import io.ternmq.fuzz.FuzzCase;
import io.ternmq.fuzz.PacketType;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One case on one connection: the valid CONNECT and its CONNACK (if the case goes after one), then the mutated
 * packet, the zeros that complete what it declares, and a PINGREQ, all in one write. The verdict comes from what
 * happens next: the connection closes, or a PINGRESP arrives, or the timeout passes. It is handed over exactly
 * once, and the connection is closed after it.
 */
final class CaseHandler extends ChannelInboundHandlerAdapter {

    private static final byte[] PINGREQ = {(byte) PacketType.PINGREQ.firstByte(), 0};

    private enum State { CONNECTING, AWAIT_CONNACK, AWAIT_VERDICT, DONE }

    private final FuzzCase fuzzCase;
    private final Completion completion;
    private final long timeoutMillis;
    private final Consumer<CaseResult> verdict;
    private final ReplyReader reader = new ReplyReader();
    private State state = State.CONNECTING;
    private ScheduledFuture<?> timer;
    private int connectReplyLength;
    private String last = "nothing";
    private boolean allWritten;
    private ChannelHandlerContext ctx;

    CaseHandler(FuzzCase fuzzCase, long timeoutMillis, Consumer<CaseResult> verdict) {
        this.fuzzCase = fuzzCase;
        this.completion = fuzzCase.completion(FuzzOptions.CAP_BYTES);
        this.timeoutMillis = timeoutMillis;
        this.verdict = verdict;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (fuzzCase.afterConnect()) {
            state = State.AWAIT_CONNACK;
            ctx.writeAndFlush(ctx.alloc().buffer(fuzzCase.connect().length).writeBytes(fuzzCase.connect()));
            arm();
        } else {
            sendCase();
        }
    }

    private void sendCase() {
        state = State.AWAIT_VERDICT;
        connectReplyLength = reader.receivedLength();
        byte[] packet = fuzzCase.packet();
        ByteBuf out = ctx.alloc().buffer(packet.length + completion.padding() + PINGREQ.length);
        out.writeBytes(packet).writeZero(completion.padding()).writeBytes(PINGREQ);
        ctx.writeAndFlush(out).addListener((ChannelFutureListener) f -> {
            if (f.isSuccess()) {
                allWritten = true;
            } else {
                // The broker closed (or reset) before taking every byte: channelInactive gives the verdict.
                f.channel().close();
            }
        });
        arm();
    }

    private void arm() {
        if (timer != null) {
            timer.cancel(false);
        }
        timer = ctx.executor().schedule(this::timedOut, timeoutMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            reader.append(ByteBufUtil.getBytes((ByteBuf) msg));
        } finally {
            ReferenceCountUtil.release(msg);
        }
        ReplyReader.Reply reply;
        while (state != State.DONE && (reply = reader.next()) != null) {
            if (state == State.AWAIT_CONNACK) {
                if (reply.type() == PacketType.CONNACK && reply.connackCode() == 0) {
                    sendCase();
                } else {
                    finish(Outcome.REFUSED_CONNECT, reply.describe());
                }
            } else {
                last = reply.describe();
                if (reply.isPingResp()) {
                    finish(Outcome.ANSWERED, last);
                }
            }
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        switch (state) {
            case CONNECTING, AWAIT_CONNACK -> finish(Outcome.REFUSED_CONNECT, "closed before CONNACK");
            case AWAIT_VERDICT -> finish(Outcome.CLOSED, reader.pending() > 0 ? last + " + partial packet" : last);
            case DONE -> { }
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // A reset is one way of closing; channelInactive follows and gives the verdict.
        ctx.close();
    }

    /** The TCP connect failed; called by whoever connected. */
    void connectFailed(Throwable cause) {
        finish(Outcome.CONNECT_FAILED, String.valueOf(cause));
    }

    private void timedOut() {
        switch (state) {
            case CONNECTING, AWAIT_CONNACK -> finish(Outcome.REFUSED_CONNECT, "no CONNACK within " + timeoutMillis
                    + " ms");
            case AWAIT_VERDICT -> finish(completion.status() == Completion.Status.BEYOND_CAP ? Outcome.BEYOND_CAP
                    : Outcome.HUNG, last);
            case DONE -> { }
        }
    }

    private void finish(Outcome outcome, String why) {
        if (state == State.DONE) {
            return;
        }
        boolean caseSent = state == State.AWAIT_VERDICT;
        state = State.DONE;
        if (timer != null) {
            timer.cancel(false);
        }
        byte[] received = reader.received();
        int split = caseSent ? connectReplyLength : received.length;
        verdict.accept(new CaseResult(fuzzCase, completion, outcome, why, Arrays.copyOf(received, split),
                Arrays.copyOfRange(received, split, received.length), allWritten));
        if (ctx != null) {
            ctx.close();
        }
    }
}
