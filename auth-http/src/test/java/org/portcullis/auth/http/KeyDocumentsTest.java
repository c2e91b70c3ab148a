package org.portcullis.auth.http;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.portcullis.auth.api.AuthSettings;
import org.portcullis.auth.api.SigningAlgorithm;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.portcullis.auth.http.HandlerFixture.asList;
import static org.portcullis.auth.http.HandlerFixture.asMap;
import static org.portcullis.auth.http.HandlerFixture.call;
import static org.portcullis.auth.http.HandlerFixture.map;

@DisplayName("the opt-in key documents: /.well-known/jwks.json and /.well-known/openid-configuration")
class KeyDocumentsTest {

    private static final String JWKS = "/.well-known/jwks.json";
    private static final String DISCOVERY = "/.well-known/openid-configuration";

    private static HandlerFixture published(SigningAlgorithm alg, String issuer) {
        return new HandlerFixture(s -> s.signingAlgorithm(alg).issuer(issuer)
                .keys(AuthSettings.Keys.builder().publishJwks(true).jwksMaxAge(Duration.ofMinutes(5)).build()), b -> b);
    }

    private static String token(HandlerFixture f) {
        return (String) f.login(TestUsers.ALICE, TestUsers.ALICE_PASSWORD).get("accessToken");
    }

    @Nested
    @DisplayName("off (the default)")
    class Off {

        @Test
        @DisplayName("both paths are unknown: 401 without a token, like any other path, and 404 with one")
        void unknownPaths() {
            try (HandlerFixture f = new HandlerFixture()) {
                for (String path : List.of(JWKS, DISCOVERY)) {
                    AuthHttpResponse r = f.send(call("GET", path));
                    assertThat(r.status()).isEqualTo(401);
                    assertThat(map(r).get("code")).isEqualTo("TOKEN_MISSING");
                    assertThat(f.send(call("GET", path).bearer(token(f))).status()).isEqualTo(404);
                }
            }
        }

        @Test
        @DisplayName("/common/lookup lists the three contract paths only, and says keys are not published")
        void lookup() {
            try (HandlerFixture f = new HandlerFixture()) {
                Map<String, Object> m = map(f.send(call("GET", "/common/lookup")));
                assertThat(m.get("anonymousPaths")).isEqualTo(List.of("/common/HealthCheck", "/common/lookup", "/user/login"));
                assertThat(asMap(m.get("settings")).get("jwksPublished")).isEqualTo(false);
                assertThat(f.handler.anonymousPaths()).isEqualTo(AuthHttpHandler.ANONYMOUS_PATHS);
            }
        }
    }

    @Nested
    @DisplayName("on")
    class On {

        @Test
        @DisplayName("the JWK Set answers anonymously with its media type, a finite public max-age and a strong ETag")
        void jwks() {
            try (HandlerFixture f = published(SigningAlgorithm.ES256, "https://id.example")) {
                token(f);
                AuthHttpResponse r = f.send(call("GET", JWKS));
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.header("Content-Type")).contains("application/jwk-set+json");
                assertThat(r.header("Cache-Control")).contains("public, max-age=300");
                assertThat(r.header("ETag").orElseThrow()).matches("\"[A-Za-z0-9_-]{22}\"");
                List<Object> keys = asList(map(r).get("keys"));
                assertThat(keys).singleElement().satisfies(k -> {
                    Map<String, Object> jwk = asMap(k);
                    assertThat(jwk).containsEntry("kty", "EC").containsEntry("alg", "ES256").containsEntry("use", "sig")
                            .containsEntry("crv", "P-256").containsKeys("kid", "x", "y").doesNotContainKey("d");
                });
            }
        }

        @Test
        @DisplayName("If-None-Match with the current ETag answers 304 without a body; after a rotation the ETag changes")
        void conditional() {
            try (HandlerFixture f = published(SigningAlgorithm.EdDSA, "https://id.example")) {
                token(f);
                String etag = f.send(call("GET", JWKS)).header("ETag").orElseThrow();
                AuthHttpResponse same = f.send(call("GET", JWKS).header("If-None-Match", "\"other\", W/" + etag));
                assertThat(same.status()).isEqualTo(304);
                assertThat(same.body()).isEmpty();
                assertThat(same.header("ETag")).contains(etag);
                assertThat(same.header("Cache-Control")).contains("public, max-age=300");
                assertThat(same.header("Content-Type")).isEmpty();

                f.service.rotateSigningKey(Duration.ofMinutes(6));
                AuthHttpResponse changed = f.send(call("GET", JWKS).header("If-None-Match", etag));
                assertThat(changed.status()).isEqualTo(200);
                assertThat(changed.header("ETag").orElseThrow()).isNotEqualTo(etag);
                assertThat(asList(map(changed).get("keys"))).hasSize(2);
            }
        }

        @Test
        @DisplayName("a wrong method is a 405 problem with Allow, HEAD answers the headers without a body")
        void methods() {
            try (HandlerFixture f = published(SigningAlgorithm.EdDSA, "https://id.example")) {
                for (String path : List.of(JWKS, DISCOVERY)) {
                    AuthHttpResponse post = f.send(call("POST", path).json("{}"));
                    assertThat(post.status()).isEqualTo(405);
                    assertThat(post.header("Content-Type")).contains("application/problem+json");
                    assertThat(post.header("Allow")).contains("GET, HEAD");
                    assertThat(map(post).get("code")).isEqualTo("MALFORMED_REQUEST");
                    AuthHttpResponse head = f.send(call("HEAD", path));
                    assertThat(head.status()).isEqualTo(200);
                    assertThat(head.body()).isEmpty();
                    assertThat(head.header("ETag")).isPresent();
                }
            }
        }

        @Test
        @DisplayName("the metadata names the issuer, the JWK Set's absolute URI and the algorithms, and nothing untrue")
        void metadata() {
            try (HandlerFixture f = published(SigningAlgorithm.RS256, "https://id.example/tenant/")) {
                token(f);
                AuthHttpResponse r = f.send(call("GET", DISCOVERY));
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.header("Cache-Control")).contains("public, max-age=300");
                assertThat(map(r)).containsOnly(Map.entry("issuer", "https://id.example/tenant/"),
                        Map.entry("jwks_uri", "https://id.example/tenant/.well-known/jwks.json"),
                        Map.entry("access_token_signing_alg_values_supported", List.of("RS256")));
            }
        }

        @Test
        @DisplayName("with an issuer that is not a URL the metadata is served only given publicBaseUri; the JWK Set always")
        void metadataNeedsABase() {
            try (HandlerFixture f = new HandlerFixture(s -> s.keys(AuthSettings.Keys.builder().publishJwks(true).build()), b -> b)) {
                assertThat(f.send(call("GET", DISCOVERY)).status()).isEqualTo(401);
                assertThat(f.send(call("GET", JWKS)).status()).isEqualTo(200);
                assertThat(f.handler.anonymousPaths()).contains(JWKS).doesNotContain(DISCOVERY);
            }
            try (HandlerFixture f = new HandlerFixture(s -> s.keys(AuthSettings.Keys.builder().publishJwks(true).build()),
                    b -> b.publicBaseUri(URI.create("https://api.example:8443/auth")))) {
                AuthHttpResponse r = f.send(call("GET", DISCOVERY));
                assertThat(r.status()).isEqualTo(200);
                assertThat(map(r)).containsEntry("issuer", "portcullis")
                        .containsEntry("jwks_uri", "https://api.example:8443/auth/.well-known/jwks.json");
            }
        }

        @Test
        @DisplayName("/common/lookup lists both documents among the anonymous paths")
        void lookup() {
            try (HandlerFixture f = published(SigningAlgorithm.EdDSA, "https://id.example")) {
                Map<String, Object> m = map(f.send(call("GET", "/common/lookup")));
                assertThat(m.get("anonymousPaths")).isEqualTo(List.of(JWKS, DISCOVERY, "/common/HealthCheck",
                        "/common/lookup", "/user/login"));
                assertThat(asMap(m.get("settings")).get("jwksPublished")).isEqualTo(true);
            }
        }

        @Test
        @DisplayName("an HS256 deployment serves an empty key set: the secret is never published")
        void hmac() {
            try (HandlerFixture f = published(SigningAlgorithm.HS256, "https://id.example")) {
                token(f);
                AuthHttpResponse r = f.send(call("GET", JWKS));
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.bodyText()).isEqualTo("{\"keys\":[]}");
                assertThat(map(f.send(call("GET", DISCOVERY))).get("access_token_signing_alg_values_supported"))
                        .isEqualTo(List.of());
            }
        }

        @Test
        @DisplayName("every answer of both documents (200, 304, 405) keeps the OpenAPI document")
        void keepsTheOpenApiDocument() {
            try (HandlerFixture f = published(SigningAlgorithm.ES256, "https://id.example")) {
                token(f);
                for (String path : List.of(JWKS, DISCOVERY)) {
                    String etag = conforms(f, call("GET", path), 200).header("ETag").orElseThrow();
                    conforms(f, call("GET", path).header("If-None-Match", etag), 304);
                    conforms(f, call("POST", path).json("{}"), 405);
                }
                conforms(f, call("GET", "/common/lookup"), 200);
            }
        }

        private AuthHttpResponse conforms(HandlerFixture f, HandlerFixture.Call c, int status) {
            AuthHttpResponse r = f.send(c);
            assertThat(r.status()).isEqualTo(status);
            Map<String, List<String>> headers = new java.util.LinkedHashMap<>();
            r.headers().forEach((k, v) -> headers.put(k, List.of(v)));
            assertThat(org.portcullis.auth.http.contract.OpenApiContract.document().violations(c.method, c.path, c.headers,
                    c.body.length == 0 ? null : c.body, r.status(), headers, r.body())).as("%s %s", c.method, c.path).isEmpty();
            return r;
        }

        @Test
        @DisplayName("a revoked key leaves the served set at once")
        void revoked() {
            try (HandlerFixture f = published(SigningAlgorithm.EdDSA, "https://id.example")) {
                token(f);
                String kid = (String) asMap(asList(map(f.send(call("GET", JWKS))).get("keys")).get(0)).get("kid");
                f.service.revokeSigningKey(kid, "test");
                assertThat(f.send(call("GET", JWKS)).bodyText()).doesNotContain(kid);
            }
        }
    }
}
