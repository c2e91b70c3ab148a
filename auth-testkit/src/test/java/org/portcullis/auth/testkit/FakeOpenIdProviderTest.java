package org.portcullis.auth.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.portcullis.auth.store.tck.MutableClock;

@DisplayName("FakeOpenIdProvider: a real provider on loopback")
class FakeOpenIdProviderTest {

    private final MutableClock clock = MutableClock.startingAt(Instant.parse("2031-01-01T00:00:00Z"));
    private final FakeOpenIdProvider idp = FakeOpenIdProvider.start(clock);
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void close() {
        idp.close();
    }

    private HttpResponse<String> get(URI uri) throws Exception {
        return http.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    @DisplayName("serves a discovery document naming its issuer and JWKS, and public keys only")
    void serves() throws Exception {
        HttpResponse<String> discovery = get(idp.discoveryUrl());
        assertThat(discovery.statusCode()).isEqualTo(200);
        assertThat(discovery.body()).contains("\"issuer\":\"" + idp.issuer() + "\"")
                .contains("\"jwks_uri\":\"" + idp.jwksUrl() + "\"");
        JWKSet keys = JWKSet.parse(get(idp.jwksUrl()).body());
        assertThat(keys.getKeys()).singleElement().satisfies(k -> {
            assertThat(k.getKeyID()).isEqualTo(idp.currentKid());
            assertThat(k.isPrivate()).isFalse();
        });
        assertThat(idp.discoveryRequests()).isEqualTo(1);
        assertThat(idp.jwksRequests()).isEqualTo(1);
    }

    @Test
    @DisplayName("mints tokens with the chosen claims, stamped by the given clock, under the current kid")
    void mints() throws Exception {
        SignedJWT jwt = SignedJWT.parse(idp.idToken("u-1").audience("a", "b").authorizedParty("a").nonce("n")
                .email("x@example.com", true).claim("name", "X").sign());
        assertThat(jwt.getHeader().getKeyID()).isEqualTo(idp.currentKid());
        assertThat(jwt.getJWTClaimsSet().getIssuer()).isEqualTo(idp.issuer());
        assertThat(jwt.getJWTClaimsSet().getAudience()).containsExactly("a", "b");
        assertThat(jwt.getJWTClaimsSet().getIssueTime().toInstant()).isEqualTo(clock.instant());
        assertThat(jwt.getJWTClaimsSet().getClaims()).containsEntry("email_verified", true).containsEntry("name", "X");
    }

    @Test
    @DisplayName("rotating publishes the new key beside the old one until the old ones are retired")
    void rotates() throws Exception {
        String first = idp.currentKid();
        String second = idp.rotateKeys();
        assertThat(JWKSet.parse(get(idp.jwksUrl()).body()).getKeys()).extracting(k -> k.getKeyID())
                .containsExactlyInAnyOrder(first, second);
        idp.retireOldKeys();
        assertThat(JWKSet.parse(get(idp.jwksUrl()).body()).getKeys()).extracting(k -> k.getKeyID()).containsExactly(second);
    }

    @Test
    @DisplayName("misbehaves on request: down answers 503, bad JSON is not JSON, a huge JWKS is over 10 MB")
    void misbehaves() throws Exception {
        idp.behave(FakeOpenIdProvider.Behaviour.DOWN);
        assertThat(get(idp.jwksUrl()).statusCode()).isEqualTo(503);
        idp.behave(FakeOpenIdProvider.Behaviour.BAD_JSON);
        assertThat(get(idp.jwksUrl()).body()).startsWith("{").doesNotEndWith("}");
        idp.behave(FakeOpenIdProvider.Behaviour.HUGE_JWKS);
        HttpResponse<byte[]> huge = http.send(HttpRequest.newBuilder(idp.jwksUrl()).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(huge.body().length).isGreaterThan(10 * 1024 * 1024);
        assertThat(JWKSet.parse(new String(huge.body(), java.nio.charset.StandardCharsets.UTF_8)).getKeys()).hasSize(1);
    }
}
