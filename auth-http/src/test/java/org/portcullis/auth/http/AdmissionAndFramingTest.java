package org.portcullis.auth.http;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.portcullis.auth.http.HandlerFixture.call;
import static org.portcullis.auth.http.HandlerFixture.map;
import static org.portcullis.auth.http.TestUsers.ALICE;
import static org.portcullis.auth.http.TestUsers.ALICE_PASSWORD;
import static org.portcullis.auth.http.TestUsers.BOB;
import static org.portcullis.auth.http.TestUsers.BOB_PASSWORD;

@DisplayName("The handler's admission (rules, roles, CORS) and how it frames answers for adapters")
class AdmissionAndFramingTest {

    private static final String ORIGIN = "https://app.example";

    private final HandlerFixture f = new HandlerFixture(b -> b
            .accessRules(AccessRules.builder().anonymous("/app/public/**").requireAnyRole("/app/admin/**", "admin", "ops").build())
            .cors(CorsPolicy.builder().allowOrigins(ORIGIN).build()));

    @AfterEach
    void close() {
        f.close();
    }

    private String token(String user, String password) {
        return (String) f.login(user, password).get("accessToken");
    }

    @Nested
    @DisplayName("Rules")
    class Rules {

        @Test
        @DisplayName("an anonymous application path is open without a token; any other needs one")
        void anonymousAndDefault() {
            assertThat(f.handler.admit(call("GET", "/app/public/page").build())).isInstanceOf(Admission.Open.class);
            Admission refused = f.handler.admit(call("GET", "/app/private").build());
            assertThat(refused.answer()).hasValueSatisfying(r -> assertThat(r.status()).isEqualTo(401));
        }

        @Test
        @DisplayName("the principal is the admission's caller, and the CORS headers travel with it")
        void granted() {
            Admission a = f.handler.admit(call("GET", "/app/private").bearer(token(BOB, BOB_PASSWORD)).header("Origin", ORIGIN).build());
            assertThat(a.caller()).hasValueSatisfying(p -> assertThat(p.username()).isEqualTo(BOB));
            assertThat(a.answer()).isEmpty();
            assertThat(a.responseHeaders()).containsEntry("Access-Control-Allow-Origin", ORIGIN);
        }

        @Test
        @DisplayName("a role rule refuses a caller without any of its roles with 403 FORBIDDEN and insufficient_scope")
        void forbidden() {
            AuthHttpResponse r = f.handler.admit(call("GET", "/app/admin/users").bearer(token(BOB, BOB_PASSWORD)).build())
                    .answer().orElseThrow();
            assertThat(r.status()).isEqualTo(403);
            assertThat(r.header("Content-Type")).contains("application/problem+json");
            assertThat(map(r)).containsEntry("code", "FORBIDDEN").containsEntry("status", 403);
            assertThat(r.header("WWW-Authenticate")).hasValueSatisfying(
                    v -> assertThat(v).startsWith("Bearer realm=\"portcullis\"").contains("error=\"insufficient_scope\""));
            Admission alice = f.handler.admit(call("GET", "/app/admin/users").bearer(token(ALICE, ALICE_PASSWORD)).build());
            assertThat(alice).isInstanceOf(Admission.Granted.class);
        }

        @Test
        @DisplayName("the 7G anonymous set stays the three contract paths, with application rules or without")
        void contractSetFixed() {
            assertThat(AuthHttpHandler.ANONYMOUS_PATHS).containsExactlyInAnyOrder("/user/login", "/common/lookup", "/common/HealthCheck");
            for (String p : Set.of("/user/me", "/user/sessions", "/user/logout", "/user/other", "/common/other")) {
                assertThat(f.handler.admit(call("GET", p).build()).answer())
                        .as(p).hasValueSatisfying(r -> assertThat(r.status()).isEqualTo(401));
            }
        }
    }

    @Nested
    @DisplayName("CORS")
    class Cors {

        private AuthHttpResponse preflight(String path, String origin) {
            return f.send(call("OPTIONS", path).header("Origin", origin).header("Access-Control-Request-Method", "POST")
                    .header("Access-Control-Request-Headers", "authorization, content-type"));
        }

        @Test
        @DisplayName("a preflight is answered before authentication, on protected and anonymous paths alike")
        void preflightBeforeAuth() {
            for (String path : Set.of("/user/me", "/user/login", "/app/private")) {
                AuthHttpResponse r = preflight(path, ORIGIN);
                assertThat(r.status()).as(path).isEqualTo(204);
                assertThat(r.headers()).containsEntry("Access-Control-Allow-Origin", ORIGIN)
                        .containsEntry("Access-Control-Allow-Headers", "Authorization, Content-Type")
                        .containsEntry("Access-Control-Max-Age", "600")
                        .doesNotContainKeys("Access-Control-Allow-Credentials", "Content-Type", "Content-Length", "WWW-Authenticate");
                assertThat(r.headers().get("Access-Control-Allow-Methods")).contains("POST");
            }
        }

        @Test
        @DisplayName("a disallowed origin's preflight and requests get no CORS header at all")
        void disallowed() {
            assertThat(preflight("/user/login", "https://evil.example").headers().keySet())
                    .noneMatch(k -> k.startsWith("Access-Control-"));
            AuthHttpResponse r = f.send(call("GET", "/user/me").header("Origin", "https://evil.example"));
            assertThat(r.status()).isEqualTo(401);
            assertThat(r.headers().keySet()).noneMatch(k -> k.startsWith("Access-Control-"));
        }

        @Test
        @DisplayName("a refusal to an allowed origin exposes WWW-Authenticate and Retry-After to its script")
        void refusalReadable() {
            AuthHttpResponse r = f.send(call("GET", "/user/me").header("Origin", ORIGIN));
            assertThat(r.status()).isEqualTo(401);
            assertThat(r.headers()).containsEntry("Access-Control-Allow-Origin", ORIGIN)
                    .containsEntry("Access-Control-Expose-Headers", "WWW-Authenticate, Retry-After").containsEntry("Vary", "Origin");
        }

        @Test
        @DisplayName("without a policy, OPTIONS is no preflight: 405 on /user/login as before")
        void offByDefault() {
            try (HandlerFixture plain = new HandlerFixture()) {
                AuthHttpResponse r = plain.send(call("OPTIONS", "/user/login").header("Origin", ORIGIN)
                        .header("Access-Control-Request-Method", "POST"));
                assertThat(r.status()).isEqualTo(405);
                assertThat(r.headers().keySet()).noneMatch(k -> k.startsWith("Access-Control-"));
            }
        }
    }

    @Nested
    @DisplayName("Framing for adapters")
    class Framing {

        @Test
        @DisplayName("HEAD has GET's headers, Content-Length included, and no body (RFC 9110 §9.3.2)")
        void head() {
            AuthHttpResponse get = f.send(call("GET", "/common/HealthCheck"));
            AuthHttpResponse head = f.send(call("HEAD", "/common/HealthCheck"));
            assertThat(get.header("Content-Length")).contains(Integer.toString(get.body().length));
            assertThat(head.status()).isEqualTo(get.status());
            assertThat(head.headers()).isEqualTo(get.headers());
            assertThat(head.body()).isEmpty();
        }

        @Test
        @DisplayName("a HEAD refused at admission has the refusal's headers and no body")
        void headRefused() {
            AuthHttpResponse get = f.send(call("GET", "/user/me"));
            AuthHttpResponse head = f.send(call("HEAD", "/user/me"));
            assertThat(head.status()).isEqualTo(401);
            assertThat(head.headers()).isEqualTo(get.headers()).containsKey("Content-Length");
            assertThat(head.body()).isEmpty();
        }

        @Test
        @DisplayName("a 204 carries neither Content-Type nor Content-Length")
        void noContent() {
            AuthHttpResponse r = f.send(call("POST", "/user/logout").bearer(token(ALICE, ALICE_PASSWORD)));
            assertThat(r.status()).isEqualTo(204);
            assertThat(r.headers()).doesNotContainKeys("Content-Type", "Content-Length").containsEntry("Cache-Control", "no-store");
            assertThat(r.body()).isEmpty();
        }

        @Test
        @DisplayName("every answer with content states its exact length")
        void contentLength() {
            for (AuthHttpResponse r : new AuthHttpResponse[] {f.send(call("GET", "/common/lookup")), f.send(call("GET", "/nowhere")),
                    f.send(call("POST", "/user/login").json("{}"))}) {
                assertThat(r.headers()).containsEntry("Content-Length", Integer.toString(r.body().length));
            }
        }
    }
}
