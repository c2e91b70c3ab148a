package org.portcullis.auth.http;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.portcullis.auth.http.contract.OpenApiContract;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The proof that the OpenAPI check catches drift on either side: the real handler, served over a
 * loopback socket with one answer deliberately altered, is caught by {@link OpenApiContract}; and
 * the real, unaltered answers are caught by an altered copy of the document.
 */
@DisplayName("A server or a document that drifts from the other fails the check")
class OpenApiDriftTest {

    private final HandlerFixture fixture = new HandlerFixture();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private HttpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
        fixture.close();
    }

    /** Serves the real handler on a loopback port, each answer passed through {@code alter}. */
    private URI serve(UnaryOperator<AuthHttpResponse> alter) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            Map<String, List<String>> headers = new LinkedHashMap<>(exchange.getRequestHeaders());
            AuthHttpResponse answer = alter.apply(fixture.handler.handle(AuthHttpRequest.of(exchange.getRequestMethod(),
                    exchange.getRequestURI().getRawPath(), headers, exchange.getRequestBody(),
                    exchange.getRemoteAddress().getAddress().getHostAddress())));
            answer.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
            byte[] body = answer.body();
            exchange.sendResponseHeaders(answer.status(), body.length == 0 ? -1 : body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private record Exchange(String method, String path, Map<String, List<String>> headers, byte[] body,
                            HttpResponse<byte[]> response) {
        void checkAgainst(OpenApiContract contract) {
            contract.check(method, path, headers, body, response);
        }
    }

    private Exchange send(URI base, String method, String path, String json, String... headers) throws Exception {
        Map<String, List<String>> sent = new LinkedHashMap<>();
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path));
        byte[] body = json == null ? null : json.getBytes(StandardCharsets.UTF_8);
        if (body != null) {
            b.header("Content-Type", "application/json");
            sent.put("Content-Type", List.of("application/json"));
        }
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
            sent.put(headers[i], List.of(headers[i + 1]));
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        return new Exchange(method, path, sent, body, http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray()));
    }

    private Exchange login(URI base) throws Exception {
        return send(base, "POST", "/user/login",
                "{\"username\":\"" + TestUsers.BOB + "\",\"password\":\"" + TestUsers.BOB_PASSWORD + "\"}");
    }

    private static UnaryOperator<AuthHttpResponse> replaceInBody(String from, String to) {
        return r -> {
            String text = new String(r.body(), StandardCharsets.UTF_8);
            byte[] changed = text.replace(from, to).getBytes(StandardCharsets.UTF_8);
            return new AuthHttpResponse(r.status(), r.headers(), changed);
        };
    }

    @Test
    @DisplayName("the unaltered server keeps the document")
    void honestServer() throws Exception {
        URI base = serve(r -> r);
        Exchange login = login(base);
        assertThat(login.response().statusCode()).isEqualTo(200);
        assertThatCode(() -> login.checkAgainst(OpenApiContract.document())).doesNotThrowAnyException();
        Exchange refused = send(base, "GET", "/user/me", null);
        assertThat(refused.response().statusCode()).isEqualTo(401);
        assertThatCode(() -> refused.checkAgainst(OpenApiContract.document())).doesNotThrowAnyException();
    }

    @Test
    @DisplayName("a token response that loses a required member is caught")
    void missingMember() throws Exception {
        Exchange login = login(serve(replaceInBody("\"sessionId\"", "\"sessionKey\"")));
        assertThat(login.response().statusCode()).isEqualTo(200);
        assertThatThrownBy(() -> login.checkAgainst(OpenApiContract.document()))
                .isInstanceOf(AssertionError.class).hasMessageContaining("sessionId").hasMessageContaining("sessionKey");
    }

    @Test
    @DisplayName("a member of the wrong type is caught")
    void wrongType() throws Exception {
        Exchange login = login(serve(replaceInBody("\"tokenType\":\"Bearer\"", "\"tokenType\":1")));
        assertThatThrownBy(() -> login.checkAgainst(OpenApiContract.document()))
                .isInstanceOf(AssertionError.class).hasMessageContaining("/tokenType");
    }

    @Test
    @DisplayName("a problem with a code the document does not list is caught")
    void unknownCode() throws Exception {
        Exchange refused = send(serve(replaceInBody("TOKEN_MISSING", "NO_TOKEN")), "GET", "/user/me", null);
        assertThat(refused.response().statusCode()).isEqualTo(401);
        assertThatThrownBy(() -> refused.checkAgainst(OpenApiContract.document()))
                .isInstanceOf(AssertionError.class).hasMessageContaining("NO_TOKEN");
    }

    @Test
    @DisplayName("a 401 without its WWW-Authenticate challenge is caught")
    void missingChallenge() throws Exception {
        URI base = serve(r -> {
            Map<String, String> headers = new LinkedHashMap<>(r.headers());
            headers.remove("WWW-Authenticate");
            return new AuthHttpResponse(r.status(), headers, r.body());
        });
        Exchange refused = send(base, "GET", "/user/me", null);
        assertThatThrownBy(() -> refused.checkAgainst(OpenApiContract.document()))
                .isInstanceOf(AssertionError.class).hasMessageContaining("WWW-Authenticate");
    }

    @Test
    @DisplayName("a problem sent as plain JSON instead of application/problem+json is caught")
    void wrongContentType() throws Exception {
        URI base = serve(r -> {
            Map<String, String> headers = new LinkedHashMap<>(r.headers());
            headers.replace("Content-Type", "application/json");
            return new AuthHttpResponse(r.status(), headers, r.body());
        });
        Exchange refused = send(base, "GET", "/user/me", null);
        assertThatThrownBy(() -> refused.checkAgainst(OpenApiContract.document()))
                .isInstanceOf(AssertionError.class).hasMessageContaining("application/json");
    }

    @Test
    @DisplayName("a status the document does not give the operation is caught")
    void undocumentedStatus() throws Exception {
        URI base = serve(r -> new AuthHttpResponse(r.status() == 200 ? 201 : r.status(), r.headers(), r.body()));
        Exchange login = login(base);
        assertThat(login.response().statusCode()).isEqualTo(201);
        assertThatThrownBy(() -> login.checkAgainst(OpenApiContract.document()))
                .isInstanceOf(AssertionError.class).hasMessageContaining("201");
    }

    @Test
    @DisplayName("a document that asks for a member the server does not send is caught by the real answer")
    void documentRequiresMore() throws Exception {
        String drifted = OpenApiContract.documentText().replace(
                "required: [accessToken, refreshToken, tokenType, expiresIn, expiresAt, refreshExpiresAt, sessionId]",
                "required: [accessToken, refreshToken, tokenType, expiresIn, expiresAt, refreshExpiresAt, sessionId, scope]");
        assertThat(drifted).isNotEqualTo(OpenApiContract.documentText());
        Exchange login = login(serve(r -> r));
        assertThatThrownBy(() -> login.checkAgainst(OpenApiContract.of(drifted)))
                .isInstanceOf(AssertionError.class).hasMessageContaining("scope");
    }

    @Test
    @DisplayName("a request the server accepts but the document refuses is caught")
    void documentRefusesAcceptedRequest() throws Exception {
        String drifted = OpenApiContract.documentText().replace(
                "    RefreshRequest:\n      type: object\n      required: [refreshToken]\n",
                "    RefreshRequest:\n      type: object\n      required: [refreshToken, clientId]\n");
        assertThat(drifted).isNotEqualTo(OpenApiContract.documentText());
        URI base = serve(r -> r);
        String body = new String(login(base).response().body(), StandardCharsets.UTF_8);
        String access = body.replaceAll(".*\"accessToken\":\"([^\"]+)\".*", "$1");
        String refresh = body.replaceAll(".*\"refreshToken\":\"([^\"]+)\".*", "$1");
        Exchange refreshed = send(base, "POST", "/user/refreshToken", "{\"refreshToken\":\"" + refresh + "\"}",
                "Authorization", "Bearer " + access);
        assertThat(refreshed.response().statusCode()).isEqualTo(200);
        assertThatCode(() -> refreshed.checkAgainst(OpenApiContract.document())).doesNotThrowAnyException();
        assertThatThrownBy(() -> refreshed.checkAgainst(OpenApiContract.of(drifted)))
                .isInstanceOf(AssertionError.class).hasMessageContaining("request").hasMessageContaining("clientId");
    }

    @Test
    @DisplayName("a 7G operation the document does not name may not answer 2xx")
    void undocumentedOperation() throws Exception {
        String drifted = OpenApiContract.documentText().replace("  /user/me:\n    get:\n", "  /user/me:\n    put:\n");
        assertThat(drifted).isNotEqualTo(OpenApiContract.documentText());
        URI base = serve(r -> r);
        String body = new String(login(base).response().body(), StandardCharsets.UTF_8);
        String access = body.replaceAll(".*\"accessToken\":\"([^\"]+)\".*", "$1");
        Exchange me = send(base, "GET", "/user/me", null, "Authorization", "Bearer " + access);
        assertThat(me.response().statusCode()).isEqualTo(200);
        assertThatThrownBy(() -> me.checkAgainst(OpenApiContract.of(drifted)))
                .isInstanceOf(AssertionError.class).hasMessageContaining("does not name");
    }
}
