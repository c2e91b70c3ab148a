package org.portcullis.auth.server;

import com.fasterxml.jackson.jr.ob.JSON;
import org.portcullis.auth.http.contract.OpenApiContract;

import javax.net.ssl.SSLSession;
import java.io.ByteArrayOutputStream;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/**
 * A thin java.net.http client for the end-to-end tests: HTTP/1.1 over a real socket. Every exchange
 * is checked against the OpenAPI document ({@link OpenApiContract}), so the standalone server's own
 * tests hold it to the document as well.
 */
final class Client {

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final URI base;

    Client(URI base) {
        this.base = base;
    }

    HttpResponse<String> send(HttpRequest.Builder b) {
        try {
            HttpRequest request = b.build();
            HttpResponse<byte[]> r = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            OpenApiContract.document().check(request.method(), request.uri().getRawPath(), request.headers().map(),
                    request.bodyPublisher().map(Client::bytesOf).orElse(null), r);
            return new Answer(r, new String(r.body(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The bytes a publisher sends (the tests' publishers are in-memory, so this completes at once). */
    static byte[] bytesOf(HttpRequest.BodyPublisher publisher) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CompletableFuture<byte[]> done = new CompletableFuture<>();
        publisher.subscribe(new Flow.Subscriber<ByteBuffer>() {
            @Override
            public void onSubscribe(Flow.Subscription subscription) {
                subscription.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(ByteBuffer item) {
                byte[] chunk = new byte[item.remaining()];
                item.get(chunk);
                out.writeBytes(chunk);
            }

            @Override
            public void onError(Throwable throwable) {
                done.completeExceptionally(throwable);
            }

            @Override
            public void onComplete() {
                done.complete(out.toByteArray());
            }
        });
        return done.join();
    }

    /** A response whose body was received as bytes, handed to the tests as text. */
    private record Answer(HttpResponse<byte[]> raw, String body) implements HttpResponse<String> {
        @Override
        public int statusCode() {
            return raw.statusCode();
        }

        @Override
        public HttpRequest request() {
            return raw.request();
        }

        @Override
        public Optional<HttpResponse<String>> previousResponse() {
            return Optional.empty();
        }

        @Override
        public HttpHeaders headers() {
            return raw.headers();
        }

        @Override
        public Optional<SSLSession> sslSession() {
            return raw.sslSession();
        }

        @Override
        public URI uri() {
            return raw.uri();
        }

        @Override
        public HttpClient.Version version() {
            return raw.version();
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
