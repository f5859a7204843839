package io.ternmq.server.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.ternmq.auth.device.Device;
import io.ternmq.auth.device.DeviceException;
import io.ternmq.auth.device.DeviceRegistry;
import io.ternmq.auth.device.NewDevice;
import io.ternmq.core.auth.DeviceId;
import io.ternmq.core.session.DevicePresence;
import io.ternmq.core.connection.CloseReason;
import io.ternmq.core.connection.Connection;
import io.ternmq.core.trace.MessageTrace;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;
import tools.jackson.databind.JsonNode;

/**
 * The device registry over HTTP: create (the secret is shown once, in the 201), list (paged by name, never a
 * secret), read with the online state and the connection, enable or disable (disabling closes its connection),
 * delete, a bulk import from CSV or JSON, and the status. Registry work runs on the API's bounded thread, never on
 * an event loop.
 */
final class DevicesApi {

    static final int MAX_LIMIT = 1000;
    static final String IMPORT_PATH = ":import";

    record Created(String productKey, String deviceName, String deviceSecret) {
    }

    @JsonInclude(JsonInclude.Include.ALWAYS)
    record DeviceView(String productKey, String deviceName, boolean enabled, Instant createdAt, Instant lastOnlineAt,
                      String lastAddress, String status) {
    }

    record DevicePage(List<DeviceView> data, String next) {
    }

    record ProductView(String productKey) {
    }

    record ProductPage(List<ProductView> data, String next) {
    }

    @JsonInclude(JsonInclude.Include.ALWAYS)
    record DeviceDetail(String productKey, String deviceName, boolean enabled, Instant createdAt,
                        Instant lastOnlineAt, String lastAddress, String status, ConnectionView connection) {
    }

    record ConnectionView(String clientId, String transport, String protocolVersion, String address, int keepalive,
                          Instant connectedAt, long silentMillis, String provider) {
    }

    record Imported(int created, List<Created> devices, List<String> skipped) {
    }

    record Status(String productKey, String deviceName, String status) {
    }

    record Deleted(String productKey, String deviceName) {
    }

    private final DeviceRegistry registry;
    private final DevicePresence presence;
    private final Executor blocking;

    /** @param blocking where registry reads and writes run: off the event loops, bounded */
    DevicesApi(DeviceRegistry registry, DevicePresence presence, Executor blocking) {
        this.registry = registry;
        this.presence = presence;
        this.blocking = blocking;
    }

    List<Route> routes() {
        String devices = "/api/v1/products/{productKey}/devices";
        return List.of(new Route(HttpMethod.GET, "/api/v1/products", true, this::products),
                new Route(HttpMethod.POST, devices, true, this::create),
                new Route(HttpMethod.GET, devices, true, this::list),
                new Route(HttpMethod.POST, devices + IMPORT_PATH, true, this::importDevices),
                new Route(HttpMethod.GET, devices + "/{deviceName}", true, this::get),
                new Route(HttpMethod.PATCH, devices + "/{deviceName}", true, this::patch),
                new Route(HttpMethod.DELETE, devices + "/{deviceName}", true, this::delete),
                new Route(HttpMethod.GET, "/api/v1/devices/{productKey}/{deviceName}/status", true, this::status));
    }

    private CompletionStage<ApiResponse> create(ApiRequest r) {
        r.onlyQuery(Set.of());
        JsonFields f = new JsonFields(r.json(), "", Set.of("deviceName", "deviceSecret"));
        String name = f.string("deviceName", true);
        String secret = f.string("deviceSecret", false);
        return off(() -> {
            Device d = registry.create(r.pathParam(0), name, secret);
            return ApiResponse.of(HttpResponseStatus.CREATED,
                    new Created(d.productKey(), d.deviceName(), d.deviceSecret()));
        });
    }

    /** The products that have devices: a product exists through its devices, so it has no create of its own. */
    private CompletionStage<ApiResponse> products(ApiRequest r) {
        r.onlyQuery(Set.of("after", "limit"));
        String after = r.query("after");
        int limit = r.intQuery("limit", 100, 1, MAX_LIMIT);
        return off(() -> {
            DeviceRegistry.ProductPage page = registry.products(after, limit);
            return ApiResponse.ok(new ProductPage(page.productKeys().stream().map(ProductView::new).toList(),
                    page.next()));
        });
    }

    private CompletionStage<ApiResponse> list(ApiRequest r) {
        r.onlyQuery(Set.of("after", "limit"));
        String after = r.query("after");
        int limit = r.intQuery("limit", 100, 1, MAX_LIMIT);
        return off(() -> {
            DeviceRegistry.Page page = registry.list(r.pathParam(0), after, limit);
            return ApiResponse.ok(new DevicePage(page.devices().stream().map(this::view).toList(), page.next()));
        });
    }

    private CompletionStage<ApiResponse> get(ApiRequest r) {
        r.onlyQuery(Set.of());
        return off(() -> {
            Device d = existing(r);
            Connection c = presence.connection(d.id());
            ConnectionView connection = c == null ? null : new ConnectionView(c.clientId(), c.transport(),
                    MessageTrace.versionName(c.protocolLevel()), Views.address(c.remoteAddress()),
                    c.info().keepaliveSeconds(), Instant.ofEpochMilli(c.info().connectedAtMillis()), c.silentMillis(),
                    c.info().identity().provider());
            return ApiResponse.ok(new DeviceDetail(d.productKey(), d.deviceName(), d.enabled(),
                    Instant.ofEpochMilli(d.createdAtMillis()), instant(d.lastOnlineAtMillis()), d.lastAddress(),
                    status(d), connection));
        });
    }

    /** {@code {"enabled": false}} disables the device and closes its connection (MQTT 5: DISCONNECT 0x98). */
    private CompletionStage<ApiResponse> patch(ApiRequest r) {
        r.onlyQuery(Set.of());
        JsonFields f = new JsonFields(r.json(), "", Set.of("enabled"));
        if (!f.has("enabled")) {
            throw ApiException.badField("enabled", "required");
        }
        boolean enabled = f.bool("enabled", true);
        return off(() -> {
            Device d = registry.setEnabled(r.pathParam(0), r.pathParam(1), enabled)
                    .orElseThrow(() -> notFound(r));
            if (!enabled) {
                kick(d.id());
            }
            return ApiResponse.ok(view(d));
        });
    }

    /** Deletes the device; a connected one is closed, and it cannot sign in again. */
    private CompletionStage<ApiResponse> delete(ApiRequest r) {
        r.onlyQuery(Set.of());
        return off(() -> {
            if (!registry.delete(r.pathParam(0), r.pathParam(1))) {
                throw notFound(r);
            }
            kick(new DeviceId(r.pathParam(0), r.pathParam(1)));
            return ApiResponse.ok(new Deleted(r.pathParam(0), r.pathParam(1)));
        });
    }

    /**
     * CSV ({@code text/csv}: lines {@code deviceName[,deviceSecret]}, an optional header) or JSON
     * ({@code {"devices": [{"deviceName": ..., "deviceSecret": ...}]}}). All or nothing on a bad item; devices that
     * exist already are skipped and named.
     */
    private CompletionStage<ApiResponse> importDevices(ApiRequest r) {
        r.onlyQuery(Set.of());
        String type = r.contentType() == null ? "" : r.contentType().toLowerCase(Locale.ROOT);
        boolean csv = type.startsWith("text/csv");
        if (!csv && !type.startsWith("application/json")) {
            throw ApiException.badField("Content-Type", "text/csv or application/json is required");
        }
        // Parsing megabytes is work too: on the API's thread with the writes, not on the event loop.
        return off(() -> {
            List<NewDevice> devices = csv ? DeviceRegistry.parseCsv(new String(r.body(), StandardCharsets.UTF_8))
                    : fromJson(r.json());
            DeviceRegistry.ImportResult result = registry.importDevices(r.pathParam(0), devices);
            return ApiResponse.ok(new Imported(result.created().size(), result.created().stream()
                    .map(d -> new Created(d.productKey(), d.deviceName(), d.deviceSecret())).toList(),
                    result.skipped()));
        });
    }

    private static List<NewDevice> fromJson(JsonNode body) {
        JsonFields f = new JsonFields(body, "", Set.of("devices"));
        JsonNode list = f.get("devices");
        if (list == null || !list.isArray() || list.isEmpty()) {
            throw ApiException.badField("devices", "a non-empty array of {deviceName, deviceSecret} is required");
        }
        List<NewDevice> out = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            JsonFields item = new JsonFields(list.get(i), "devices[" + i + "]", Set.of("deviceName", "deviceSecret"));
            out.add(new NewDevice(item.string("deviceName", true), item.string("deviceSecret", false)));
        }
        return out;
    }

    /** ONLINE, OFFLINE, DISABLED, or UNKNOWN for a device the registry does not have. */
    private CompletionStage<ApiResponse> status(ApiRequest r) {
        r.onlyQuery(Set.of());
        return off(() -> {
            Optional<Device> d = registry.get(r.pathParam(0), r.pathParam(1));
            return ApiResponse.ok(new Status(r.pathParam(0), r.pathParam(1), d.map(this::status).orElse("UNKNOWN")));
        });
    }

    private String status(Device d) {
        if (!d.enabled()) {
            return "DISABLED";
        }
        return presence.connection(d.id()) != null ? "ONLINE" : "OFFLINE";
    }

    private DeviceView view(Device d) {
        return new DeviceView(d.productKey(), d.deviceName(), d.enabled(), Instant.ofEpochMilli(d.createdAtMillis()),
                instant(d.lastOnlineAtMillis()), d.lastAddress(), status(d));
    }

    private void kick(DeviceId device) {
        Connection c = presence.connection(device);
        if (c != null) {
            c.close(CloseReason.ADMINISTRATIVE_ACTION);
        }
    }

    private Device existing(ApiRequest r) {
        return registry.get(r.pathParam(0), r.pathParam(1)).orElseThrow(() -> notFound(r));
    }

    private static ApiException notFound(ApiRequest r) {
        return ApiException.notFound("no device '" + r.pathParam(1) + "' in product '" + r.pathParam(0) + "'");
    }

    private static Instant instant(long millis) {
        return millis == 0 ? null : Instant.ofEpochMilli(millis);
    }

    /** Registry work on the API's thread; its refusals become 400 (naming the field) or 409. */
    private CompletionStage<ApiResponse> off(Supplier<ApiResponse> work) {
        try {
            return CompletableFuture.supplyAsync(() -> {
                try {
                    return work.get();
                } catch (DeviceException e) {
                    if (e.kind() == DeviceException.Kind.CONFLICT) {
                        throw new ApiException(HttpResponseStatus.CONFLICT, "conflict", "deviceName", e.getMessage());
                    }
                    // The registry's message names the field already.
                    throw new ApiException(HttpResponseStatus.BAD_REQUEST, "invalid-field",
                            e.field() == null ? "body" : e.field(), e.getMessage());
                }
            }, blocking);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(ApiException.unavailable("busy",
                    "too many registry calls are waiting; try again"));
        }
    }
}
