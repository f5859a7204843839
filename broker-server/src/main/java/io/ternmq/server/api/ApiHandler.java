package io.ternmq.server.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.ternmq.core.log.LogText;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin API's handler, one per HTTP connection: finds the route (404, 405 with Allow), checks the bearer
 * token (401, slowed down for an address that keeps failing), runs the endpoint and writes its answer as JSON,
 * and logs each call on {@value #AUDIT} (address, method, path, status; never the token, the query or a body).
 *
 * <p>Calls on one connection are answered in order, one at a time (an endpoint may answer later, from a session's
 * owner): while one runs the connection is not read, and requests a client pipelined in the same read wait in a
 * queue of at most {@value #MAX_PIPELINED}; beyond that the connection is closed.
 */
final class ApiHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    static final String AUDIT = "ternmq.audit";
    static final int MAX_PIPELINED = 16;

    private static final Logger LOG = LoggerFactory.getLogger(ApiHandler.class);
    private static final Logger AUDIT_LOG = LoggerFactory.getLogger(AUDIT);

    /** A request taken off Netty's buffers, so it can wait for its turn. */
    private record Incoming(HttpMethod method, String uri, String authorization, String contentType, byte[] body,
                            boolean keepAlive) {
    }

    private final List<Route> routes;
    private final AdminToken token;
    private final FailedLogins failedLogins;
    private final BooleanSupplier ready;
    private final ArrayDeque<Incoming> waiting = new ArrayDeque<>();
    private boolean busy;

    /** @param ready whether {@code /api/...} may be served: false while the broker starts or drains */
    ApiHandler(List<Route> routes, AdminToken token, FailedLogins failedLogins, BooleanSupplier ready) {
        this.routes = routes;
        this.token = token;
        this.failedLogins = failedLogins;
        this.ready = ready;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        Incoming incoming = new Incoming(request.method(), request.uri(),
                request.headers().get(HttpHeaderNames.AUTHORIZATION), request.headers().get(HttpHeaderNames.CONTENT_TYPE),
                ByteBufUtil.getBytes(request.content()),
                HttpUtil.isKeepAlive(request) && request.decoderResult().isSuccess());
        if (!request.decoderResult().isSuccess()) {
            if (busy) {
                ctx.close(); // an answer now would overtake the one still being made
                return;
            }
            respondNow(ctx, incoming, error(new ApiException(HttpResponseStatus.BAD_REQUEST, "bad-request", null,
                    "the request could not be parsed as HTTP/1.1")));
            return;
        }
        if (busy) {
            if (waiting.size() >= MAX_PIPELINED) {
                ctx.close();
                return;
            }
            waiting.add(incoming);
            return;
        }
        handle(ctx, incoming);
    }

    private void handle(ChannelHandlerContext ctx, Incoming incoming) {
        busy = true;
        ctx.channel().config().setAutoRead(false);
        CompletionStage<ApiResponse> answer;
        long delayMillis = 0;
        try {
            QueryStringDecoder uri = new QueryStringDecoder(incoming.uri());
            String path = uri.rawPath();
            Map<HttpMethod, Route> methods = new LinkedHashMap<>();
            List<String> params = null;
            for (Route r : routes) {
                List<String> p = r.match(path);
                if (p != null) {
                    methods.putIfAbsent(r.method(), r);
                    if (r.method().equals(incoming.method())) {
                        params = p;
                    }
                }
            }
            Route route = methods.get(incoming.method());
            if (methods.isEmpty()) {
                throw ApiException.notFound("no such path: " + LogText.of(path));
            }
            if (route == null) {
                throw new MethodNotAllowed(methods.keySet().stream().map(HttpMethod::name)
                        .collect(Collectors.joining(", ")), incoming.method());
            }
            InetSocketAddress remote = (InetSocketAddress) ctx.channel().remoteAddress();
            if (route.authenticated()) {
                if (!token.matches(bearer(incoming.authorization()))) {
                    delayMillis = failedLogins.failed(remote.getAddress(), System.currentTimeMillis());
                    throw new ApiException(HttpResponseStatus.UNAUTHORIZED, "unauthorized", null,
                            incoming.authorization() == null ? "an Authorization: Bearer TOKEN header is required"
                                    : "the token is not the admin token");
                }
                failedLogins.succeeded(remote.getAddress());
            }
            if (route.template().startsWith("/api/") && !ready.getAsBoolean()) {
                // Sessions are still being restored (or already drained): their state is not the API's to touch.
                throw ApiException.unavailable("starting", "the broker is starting or stopping; try again");
            }
            answer = route.endpoint().handle(new ApiRequest(incoming.method(), path, params, uri.parameters(),
                    incoming.contentType(), incoming.body(), remote));
        } catch (IllegalArgumentException e) {
            // A malformed %-escape in the path or the query: the caller's mistake, not the broker's.
            answer = CompletableFuture.failedFuture(new ApiException(HttpResponseStatus.BAD_REQUEST, "bad-request",
                    null, "the request URI is not valid: " + e.getMessage()));
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        long delay = delayMillis;
        answer.whenComplete((response, failure) -> {
            FullHttpResponse written;
            try {
                written = failure == null ? http(response) : error(unwrap(failure));
            } catch (RuntimeException e) {
                written = error(e); // the answer could not be written as JSON: a 500, and the log says why
            }
            FullHttpResponse out = written;
            if (delay > 0) {
                ctx.executor().schedule(() -> respond(ctx, incoming, out), delay, TimeUnit.MILLISECONDS);
            } else if (ctx.executor().inEventLoop()) {
                respond(ctx, incoming, out);
            } else {
                ctx.executor().execute(() -> respond(ctx, incoming, out));
            }
        });
    }

    /** On the connection's event loop: writes the answer, then takes the next request. */
    private void respond(ChannelHandlerContext ctx, Incoming incoming, FullHttpResponse response) {
        try {
            respondNow(ctx, incoming, response);
        } catch (RuntimeException e) {
            LOG.warn("admin API answer could not be written", e);
            ctx.close();
            return;
        }
        busy = false;
        if (!incoming.keepAlive()) {
            return;
        }
        Incoming next = waiting.poll();
        if (next != null) {
            handle(ctx, next);
        } else {
            ctx.channel().config().setAutoRead(true);
            ctx.read();
        }
    }

    private void respondNow(ChannelHandlerContext ctx, Incoming incoming, FullHttpResponse response) {
        audit(ctx, incoming.method(), rawPath(incoming.uri()), response.status().code());
        HttpUtil.setContentLength(response, response.content().readableBytes());
        if (incoming.keepAlive()) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.writeAndFlush(response);
        } else {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            GentleClose.answerAndClose(ctx, response);
        }
    }

    /** The path of a request URI as it came, without the query (never decoded: it may be malformed). */
    static String rawPath(String uri) {
        int q = uri.indexOf('?');
        return q < 0 ? uri : uri.substring(0, q);
    }

    /** One line per call on {@value #AUDIT}: who, what, the answer; never the token, the query or a body. */
    static void audit(ChannelHandlerContext ctx, HttpMethod method, String path, int status) {
        AUDIT_LOG.info("{} {} {} {}", Views.address(ctx.channel().remoteAddress()), method, LogText.of(path), status);
    }

    static String bearer(String authorization) {
        if (authorization == null || authorization.length() < 7
                || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        return authorization.substring(7).strip();
    }

    private static Throwable unwrap(Throwable t) {
        return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    }

    static FullHttpResponse http(ApiResponse response) {
        if (response.text() != null) {
            FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, response.status(),
                    Unpooled.wrappedBuffer(response.text().getBytes(StandardCharsets.UTF_8)));
            r.headers().set(HttpHeaderNames.CONTENT_TYPE, response.contentType());
            return r;
        }
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, response.status(),
                Unpooled.wrappedBuffer(Json.MAPPER.writeValueAsBytes(response.json())));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
        return r;
    }

    /**
     * The body of every error: {@code {"code", "message"}}, with {@code "field"} when one field of the request is
     * to blame and {@code "rule"} when a platform rule is.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ErrorBody(String code, String message, String field, String rule) {
        ErrorBody(String code, String message) {
            this(code, message, null, null);
        }
    }

    static FullHttpResponse error(Throwable failure) {
        if (failure instanceof MethodNotAllowed m) {
            FullHttpResponse r = http(ApiResponse.of(HttpResponseStatus.METHOD_NOT_ALLOWED,
                    new ErrorBody("method-not-allowed", m.getMessage())));
            r.headers().set(HttpHeaderNames.ALLOW, m.allow);
            return r;
        }
        if (failure instanceof ApiException e) {
            FullHttpResponse r = http(ApiResponse.of(e.status(), new ErrorBody(e.code(), e.getMessage(), e.field(), e.rule())));
            if (e.status().equals(HttpResponseStatus.UNAUTHORIZED)) {
                r.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer");
            }
            return r;
        }
        // A fault of the broker, not of the caller: the log has the trace, the caller a line.
        LOG.warn("admin API call failed", failure);
        return http(ApiResponse.of(HttpResponseStatus.INTERNAL_SERVER_ERROR,
                new ErrorBody("internal-error", "the broker failed to answer; its log says why")));
    }

    /** 405, with the methods the path has. */
    private static final class MethodNotAllowed extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final String allow;

        MethodNotAllowed(String allow, HttpMethod method) {
            super(method + " is not allowed here; allowed: " + allow, null, false, false);
            this.allow = allow;
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("closing admin API connection from {}: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
