package org.portcullis.auth.javalin;

import io.javalin.Javalin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.portcullis.auth.api.AuthService;
import org.portcullis.auth.api.AuthSettings;
import org.portcullis.auth.api.Stores;
import org.portcullis.auth.core.Portcullis;
import org.portcullis.auth.http.AuthHttpHandler;
import org.portcullis.auth.http.TestUsers;
import org.portcullis.auth.store.memory.InMemoryStores;
import org.portcullis.auth.store.tck.MutableClock;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With key publishing on, the handler serves the JWK Set and the discovery metadata under
 * {@code /.well-known/}; the Javalin adapter must route them to it, as the servlet pages map
 * {@code /.well-known/*}, or verifiers get Javalin's 404 and cannot check our tokens.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("PortcullisJavalin serves the published key documents")
class KeyDocumentsInJavalinTest {

    private final MutableClock clock = MutableClock.startingAt(Instant.parse("2026-03-01T10:00:00Z"));
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private AuthService service;
    private Javalin app;

    @BeforeAll
    void start() {
        Stores stores = InMemoryStores.create(clock);
        TestUsers.seed(stores.users());
        service = Portcullis.builder().stores(stores).clock(clock).passwordHasher(TestUsers.HASHER)
                .settings(AuthSettings.builder().issuer("https://id.example")
                        .keys(AuthSettings.Keys.builder().publishJwks(true).build()).build())
                .startCleanupJob(false).build();
        AuthHttpHandler handler = AuthHttpHandler.builder(service).build();
        app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            PortcullisJavalin.install(config, handler);
        });
        app.start("127.0.0.1", 0);
    }

    @AfterAll
    void stop() {
        if (app != null) {
            app.stop();
        }
        if (service != null) {
            service.close();
        }
    }

    @Test
    @DisplayName("GET /.well-known/jwks.json and /.well-known/openid-configuration answer 200 without a token")
    void served() throws Exception {
        HttpResponse<String> jwks = get("/.well-known/jwks.json");
        assertThat(jwks.statusCode()).as(jwks.body()).isEqualTo(200);
        assertThat(jwks.headers().firstValue("Content-Type")).hasValueSatisfying(
                v -> assertThat(v).startsWith("application/jwk-set+json"));
        assertThat(jwks.body()).startsWith("{\"keys\":[");

        HttpResponse<String> metadata = get("/.well-known/openid-configuration");
        assertThat(metadata.statusCode()).as(metadata.body()).isEqualTo(200);
        assertThat(metadata.body()).contains("\"jwks_uri\":\"https://id.example/.well-known/jwks.json\"");
    }

    @Test
    @DisplayName("another method on a key document is the handler's 405 with Allow")
    void wrongMethod() throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri("/.well-known/jwks.json"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(405);
        assertThat(r.headers().firstValue("Allow")).hasValue("GET, HEAD");
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + app.port() + path);
    }
}
