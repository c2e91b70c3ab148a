package org.portcullis.auth.javalin;

import io.javalin.Javalin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.portcullis.auth.api.AuthService;
import org.portcullis.auth.api.Stores;
import org.portcullis.auth.core.Portcullis;
import org.portcullis.auth.http.AccessRules;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Javalin serves {@code /app/console/} with the handler of {@code /app/console} (its
 * {@code ignoreTrailingSlashes} is on by default), so a role rule on {@code /app/console} must hold
 * for both spellings (OWASP ASVS v4 4.1.3: access control on every path to a resource).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("A role rule in Javalin cannot be stepped around with a trailing slash")
class TrailingSlashRuleTest {

    private final MutableClock clock = MutableClock.startingAt(Instant.parse("2026-03-01T10:00:00Z"));
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private AuthService service;
    private Javalin app;

    @BeforeAll
    void start() {
        Stores stores = InMemoryStores.create(clock);
        TestUsers.seed(stores.users());
        service = Portcullis.builder().stores(stores).clock(clock).passwordHasher(TestUsers.HASHER)
                .startCleanupJob(false).build();
        AuthHttpHandler handler = AuthHttpHandler.builder(service)
                .accessRules(AccessRules.builder()
                        .requireAnyRole("/app/console", "admin")
                        .requireAnyRole("/app/orders/*", "admin")
                        .build())
                .build();
        app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            PortcullisJavalin.install(config, handler);
            config.routes.get("/app/console", ctx -> ctx.result("console"));
            config.routes.get("/app/orders/{id}", ctx -> ctx.result("order " + ctx.pathParam("id")));
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
    @DisplayName("a caller without the role gets 403 FORBIDDEN on /app/console/ as on /app/console")
    void roleRuleHoldsForTheTwin() throws Exception {
        String bob = token(TestUsers.BOB, TestUsers.BOB_PASSWORD);
        for (String path : new String[] {"/app/console", "/app/console/", "/app/orders/7", "/app/orders/7/"}) {
            HttpResponse<String> r = get(path, bob);
            assertThat(r.statusCode()).as("%s: %s", path, r.body()).isEqualTo(403);
            assertThat(r.body()).contains("\"code\":\"FORBIDDEN\"");
        }
        String alice = token(TestUsers.ALICE, TestUsers.ALICE_PASSWORD);
        assertThat(get("/app/console/", alice).body()).isEqualTo("console");
        assertThat(get("/app/orders/7/", alice).body()).isEqualTo("order 7");
    }

    private HttpResponse<String> get(String path, String token) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path))
                .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private String token(String username, String password) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + "/user/login"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"" + username + "\",\"password\":\"" + password + "\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        Matcher m = Pattern.compile("\"accessToken\":\"([^\"]+)\"").matcher(r.body());
        assertThat(m.find()).isTrue();
        return m.group(1);
    }
}
