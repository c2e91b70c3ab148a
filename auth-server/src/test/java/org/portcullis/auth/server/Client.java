package org.portcullis.auth.server;

import com.fasterxml.jackson.jr.ob.JSON;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

/** A thin java.net.http client for the end-to-end tests: HTTP/1.1 over a real socket. */
final class Client {

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final URI base;

    Client(URI base) {
        this.base = base;
    }

    HttpResponse<String> send(HttpRequest.Builder b) {
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(base.resolve(path));
    }

    HttpResponse<String> get(String path, String token) {
        HttpRequest.Builder b = request(path).GET();
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return send(b);
    }

    HttpResponse<String> post(String path, String token, String json) {
        HttpRequest.Builder b = request(path)
                .POST(json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            b.header("Content-Type", "application/json");
        }
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return send(b);
    }

    HttpResponse<String> delete(String path, String token) {
        return send(request(path).DELETE().header("Authorization", "Bearer " + token));
    }

    HttpResponse<String> postBytes(String path, String contentType, byte[] body) {
        return send(request(path).header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    Map<String, Object> login(String username, String password) {
        HttpResponse<String> r = post("/user/login", null,
                "{\"username\":\"" + username + "\",\"password\":\"" + password + "\"}");
        if (r.statusCode() != 200) {
            throw new AssertionError("login failed: " + r.statusCode() + " " + r.body());
        }
        return json(r);
    }

    HttpResponse<String> refresh(Object accessToken, Object refreshToken) {
        return post("/user/refreshToken", (String) accessToken, "{\"refreshToken\":\"" + refreshToken + "\"}");
    }

    static Map<String, Object> json(HttpResponse<String> r) {
        try {
            return JSON.std.mapFrom(r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Object> jsonList(HttpResponse<String> r) {
        try {
            return JSON.std.listFrom(r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String code(HttpResponse<String> r) {
        return String.valueOf(json(r).get("code"));
    }
}
