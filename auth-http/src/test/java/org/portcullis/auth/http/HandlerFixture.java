package org.portcullis.auth.http;

import com.fasterxml.jackson.jr.ob.JSON;
import org.portcullis.auth.api.AuthService;
import org.portcullis.auth.api.AuthSettings;
import org.portcullis.auth.api.Stores;
import org.portcullis.auth.core.Portcullis;
import org.portcullis.auth.store.memory.InMemoryStores;
import org.portcullis.auth.store.tck.MutableClock;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A handler over the real engine on the in-memory stores, and helpers to call it in process. */
final class HandlerFixture implements AutoCloseable {

    final MutableClock clock = MutableClock.startingAt(java.time.Instant.parse("2026-03-01T10:00:00Z"));
    final Stores stores = InMemoryStores.create(clock);
    final AuthService service;
    final AuthHttpHandler handler;

    HandlerFixture() {
        this(b -> b);
    }

    HandlerFixture(java.util.function.UnaryOperator<AuthHttpHandler.Builder> configure) {
        this(s -> s, configure);
    }

    HandlerFixture(java.util.function.UnaryOperator<AuthSettings.Builder> settings,
                   java.util.function.UnaryOperator<AuthHttpHandler.Builder> configure) {
        TestUsers.seed(stores.users());
        service = Portcullis.builder().stores(stores).clock(clock)
                .settings(settings.apply(AuthSettings.builder().accessTokenLifetime(Duration.ofMinutes(20))).build())
                .passwordHasher(TestUsers.HASHER).startCleanupJob(false).build();
        handler = configure.apply(AuthHttpHandler.builder(service)).build();
    }

    static Call call(String method, String path) {
        return new Call(method, path);
    }

    /** A request under construction. */
    static final class Call {
        final String method;
        final String path;
        final Map<String, List<String>> headers = new LinkedHashMap<>();
        byte[] body = new byte[0];
        String remote = "127.0.0.1";

        Call(String method, String path) {
            this.method = method;
            this.path = path;
        }

        Call header(String name, String value) {
            headers.computeIfAbsent(name, k -> new java.util.ArrayList<>()).add(value);
            return this;
        }

        Call bearer(String token) {
            return header("Authorization", "Bearer " + token);
        }

        Call json(String text) {
            header("Content-Type", "application/json");
            body = text.getBytes(StandardCharsets.UTF_8);
            return this;
        }

        Call body(byte[] bytes) {
            body = bytes;
            return this;
        }

        Call from(String ip) {
            remote = ip;
            return this;
        }

        AuthHttpRequest build() {
            return AuthHttpRequest.of(method, path, headers, new ByteArrayInputStream(body), remote);
        }
    }

    AuthHttpResponse send(Call call) {
        return handler.handle(call.build());
    }

    Map<String, Object> login(String username, String password) {
        AuthHttpResponse r = send(call("POST", "/user/login")
                .json("{\"username\":\"" + username + "\",\"password\":\"" + password + "\"}"));
        if (r.status() != 200) {
            throw new AssertionError("login failed: " + r.status() + " " + r.bodyText());
        }
        return map(r);
    }

    static Map<String, Object> map(AuthHttpResponse r) {
        try {
            return JSON.std.mapFrom(r.bodyText());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Object> list(AuthHttpResponse r) {
        try {
            return JSON.std.listFrom(r.bodyText());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> asMap(Object o) {
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    static List<Object> asList(Object o) {
        return (List<Object>) o;
    }

    @Override
    public void close() {
        service.close();
    }
}
