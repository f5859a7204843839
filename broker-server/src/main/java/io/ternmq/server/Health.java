package io.ternmq.server;

import io.ternmq.config.BrokerConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * {@code ternmq health}: asks the broker running with this configuration for {@code /health} and exits 0 when it
 * answers 200 (ready), 1 otherwise. A broker bound to every address is asked over loopback, so it works inside a
 * container as its HEALTHCHECK. Over HTTPS the broker's own certificate is not checked: this is the broker asking
 * itself on this machine.
 */
final class Health {

    static final int TIMEOUT_MILLIS = 3000;

    private Health() {
    }

    static int check(BrokerConfig config, PrintStream out, PrintStream err) {
        int port = config.listeners().httpPort();
        if (port == 0) {
            err.println("ternmq health: the admin API is off (listeners.http-port 0), so there is no /health to ask");
            return 1;
        }
        URI uri = URI.create((config.api().httpTls() ? "https" : "http") + "://" + host(config.listeners().bind())
                + ":" + port + "/health");
        try {
            HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection();
            if (c instanceof HttpsURLConnection https) {
                https.setSSLSocketFactory(trustingItself().getSocketFactory());
                https.setHostnameVerifier((name, session) -> true);
            }
            c.setConnectTimeout(TIMEOUT_MILLIS);
            c.setReadTimeout(TIMEOUT_MILLIS);
            int status = c.getResponseCode();
            String body;
            try (InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream()) {
                body = in == null ? "" : new String(in.readNBytes(4096), StandardCharsets.UTF_8).strip();
            }
            if (status == 200) {
                out.println("ternmq health: " + uri + " " + status + " " + body);
                return 0;
            }
            err.println("ternmq health: " + uri + " answered " + status + " " + body);
            return 1;
        } catch (IOException | GeneralSecurityException e) {
            err.println("ternmq health: " + uri + " did not answer: " + e.getMessage());
            return 1;
        }
    }

    /** Where to reach a broker bound to this address from the same machine. */
    static String host(String bind) {
        return switch (bind) {
            case "0.0.0.0" -> "127.0.0.1";
            case "::", "[::]" -> "[::1]";
            default -> bind.contains(":") && !bind.startsWith("[") ? "[" + bind + "]" : bind;
        };
    }

    private static SSLContext trustingItself() throws GeneralSecurityException {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        return context;
    }
}
