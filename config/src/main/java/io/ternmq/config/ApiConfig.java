package io.ternmq.config;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * The HTTP admin API on {@code listeners.http-port}.
 *
 * @param httpTls      serve HTTPS with the broker's TLS certificate ({@code listeners.http-tls})
 * @param tokenFile    the file holding the admin token; empty: {@code {data-dir}/admin-token}, generated on first
 *                     start
 * @param metricsAuth  {@code /metrics} needs the token too
 * @param maxBodyBytes the largest request body accepted; a larger one gets 413
 * @param rrpcMaxPending the most RRPC calls waiting for their devices at once; the next gets 429
 * @param maxImportBytes the largest body of a device import (with the admin token; without it
 *                       {@code maxBodyBytes} applies)
 */
public record ApiConfig(boolean httpTls, Optional<Path> tokenFile, boolean metricsAuth, int maxBodyBytes,
                        int rrpcMaxPending, int maxImportBytes) {

    public ApiConfig {
        Objects.requireNonNull(tokenFile, "tokenFile");
    }
}
