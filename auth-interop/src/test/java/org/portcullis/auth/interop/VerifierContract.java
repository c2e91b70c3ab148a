package org.portcullis.auth.interop;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.portcullis.auth.api.SigningAlgorithm;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * One row of the interop matrix: a verifier library, configured the way its documentation
 * recommends, against a live {@link IssuerServer}. A cell passes when the verifier accepts a real
 * token and refuses, each for its own reason, a token with a changed signature, an expired one,
 * one of another issuer, one for another audience and one whose {@code typ} is not {@code at+jwt},
 * the last three signed with our real key (so only the claim or header check can catch them).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class VerifierContract {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    /**
     * Verifies {@code token} as the library's documentation recommends and returns its subject.
     *
     * @throws Exception whatever the library throws on a token it refuses
     */
    abstract String verify(IssuerServer issuer, SigningAlgorithm algorithm, String token) throws Exception;

    /** The algorithms this library verifies: its ✓ cells. */
    abstract List<SigningAlgorithm> algorithms();

    @ParameterizedTest(name = "{0}")
    @MethodSource("algorithms")
    @DisplayName("verifies our tokens and refuses a changed signature, an expired token, another iss or aud, and typ JWT")
    final void cell(SigningAlgorithm algorithm) throws Exception {
        try (IssuerServer issuer = new IssuerServer(algorithm)) {
            // Issued first, while the issuer's clock is back an hour: an hour old and long expired now.
            String expired = issuer.accessTokenIssued(Duration.ofHours(1));
            String good = issuer.accessToken();

            assertThat(verify(issuer, algorithm, good)).isEqualTo("u-alice");

            Map<String, String> refused = new LinkedHashMap<>();
            refused.put("a changed signature", IssuerServer.tampered(good));
            refused.put("an expired token", expired);
            refused.put("another issuer", issuer.forge("at+jwt", Map.of("iss", "https://evil.example")));
            refused.put("another audience", issuer.forge("at+jwt", Map.of("aud", "billing-api")));
            refused.put("typ JWT instead of at+jwt", issuer.forge("JWT", Map.of()));
            // The forging itself is sound: the same forge with nothing changed is accepted.
            assertThat(verify(issuer, algorithm, issuer.forge("at+jwt", Map.of()))).isEqualTo("u-alice");
            refused.forEach((why, token) ->
                    assertThatThrownBy(() -> verify(issuer, algorithm, token)).as("refuses %s", why).isNotNull());
        }
    }

    /** The JWK Set as the issuer serves it now, read over the socket. */
    static String fetch(URI uri) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }
}
