package org.portcullis.auth.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.portcullis.auth.core.LoginTest.catchAuth;

import java.net.URI;
import java.time.Duration;
import java.util.Base64;
import java.util.Date;
import java.util.Set;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.portcullis.auth.api.AuthPrincipal;
import org.portcullis.auth.api.ErrorCode;
import org.portcullis.auth.api.SigningKey;
import org.portcullis.auth.api.TokenPair;
import org.portcullis.auth.core.internal.token.KeyMaterial;

@DisplayName("validate")
class ValidateTest extends AliceSignedIn {


    @Nested
    @DisplayName("expiry")
    class Expiry {

        @Test
        @DisplayName("a token is accepted until the last instant before exp + 30 s of skew")
        void lastInstant() {
            f.auth.validate(pair.accessToken());
            f.clock.setInstant(pair.expiresAt().plus(Duration.ofSeconds(30)).minusNanos(1));
            assertThat(f.auth.validate(pair.accessToken()).sessionId()).isEqualTo(pair.sessionId());
        }

        @Test
        @DisplayName("a token is refused with TOKEN_EXPIRED at exactly exp + skew, even though it is cached")
        void boundary() {
            f.auth.validate(pair.accessToken());
            f.clock.setInstant(pair.expiresAt().plus(Duration.ofSeconds(30)));
            assertThat(codeOf(pair.accessToken())).isEqualTo(ErrorCode.TOKEN_EXPIRED);
        }

        @Test
        @DisplayName("a never-seen token past its expiry is refused too")
        void uncached() {
            f.clock.advance(Duration.ofMinutes(21));
            assertThat(codeOf(pair.accessToken())).isEqualTo(ErrorCode.TOKEN_EXPIRED);
        }

        @Test
        @DisplayName("with a zero skew the token ends at exp exactly")
        void zeroSkew() {
            try (Fixture strict = new Fixture(b -> b.clockSkew(Duration.ZERO))) {
                strict.addUser("bob", "pw");
                TokenPair p = strict.login("bob", "pw");
                strict.clock.setInstant(p.expiresAt().minusNanos(1));
                strict.auth.validate(p.accessToken());
                strict.clock.setInstant(p.expiresAt());
                assertThat(catchAuth(() -> strict.auth.validate(p.accessToken())).code()).isEqualTo(ErrorCode.TOKEN_EXPIRED);
            }
        }

        @Test
        @DisplayName("the lifetime follows the accessTokenLifetime setting")
        void lifetime() {
            try (Fixture five = new Fixture(b -> b.accessTokenLifetime(Duration.ofMinutes(5)))) {
                five.addUser("bob", "pw");
                assertThat(five.login("bob", "pw").expiresIn()).isEqualTo(Duration.ofMinutes(5));
            }
        }
    }

    @Nested
    @DisplayName("revocation")
    class Revocation {

        @Test
        @DisplayName("after logout the same (cached) token is refused at once with TOKEN_REVOKED")
        void logout() {
            AuthPrincipal p = f.auth.validate(pair.accessToken());
            f.auth.logout(p, Fixture.CLIENT);
            assertThat(codeOf(pair.accessToken())).isEqualTo(ErrorCode.TOKEN_REVOKED);
        }

        @Test
        @DisplayName("a session revoked directly in the store is refused once the status TTL has passed")
        void otherNode() {
            f.auth.validate(pair.accessToken());
            f.stores.sessions().revoke(pair.sessionId(), org.portcullis.auth.api.RevocationReason.REVOKED_BY_ADMIN,
                    f.clock.instant());
            f.clock.advance(f.settings.sessionStatusTtl());
            assertThat(codeOf(pair.accessToken())).isEqualTo(ErrorCode.TOKEN_REVOKED);
        }
    }

    @Nested
    @DisplayName("refuses forged and malformed tokens (RFC 8725)")
    class Attacks {

        private SigningKey ourKey() {
            return f.stores.signingKeys().findAll().get(0);
        }

        private JWTClaimsSet claims() throws Exception {
            return SignedJWT.parse(pair.accessToken()).getJWTClaimsSet();
        }

        private String signWithOurKey(JWSHeader header, JWTClaimsSet claims) throws Exception {
            SignedJWT jwt = new SignedJWT(header, claims);
            jwt.sign(KeyMaterial.prepare(ourKey()).signer().orElseThrow());
            return jwt.serialize();
        }

        private JWSHeader.Builder header() {
            return new JWSHeader.Builder(JWSAlgorithm.EdDSA).type(new JOSEObjectType("at+jwt")).keyID(ourKey().kid());
        }

        @Test
        @DisplayName("a token re-signed by our own key with our own headers is accepted (the forging helper works)")
        void control() throws Exception {
            String token = signWithOurKey(header().build(), claims());
            assertThat(f.auth.validate(token).userId()).isEqualTo(claims().getSubject());
        }

        @Test
        @DisplayName("a changed payload breaks the signature")
        void tamperedPayload() throws Exception {
            String[] parts = pair.accessToken().split("\\.");
            JWTClaimsSet evil = new JWTClaimsSet.Builder(claims()).claim("roles", java.util.List.of("admin")).build();
            String payload = Base64.getUrlEncoder().withoutPadding().encodeToString(evil.toString().getBytes());
            assertThat(codeOf(parts[0] + "." + payload + "." + parts[2])).isEqualTo(ErrorCode.TOKEN_INVALID);
        }

        @Test
        @DisplayName("alg none is refused")
        void algNone() throws Exception {
            String h = Base64.getUrlEncoder().withoutPadding().encodeToString(
                    ("{\"alg\":\"none\",\"typ\":\"at+jwt\",\"kid\":\"" + ourKey().kid() + "\"}").getBytes());
            String p = Base64.getUrlEncoder().withoutPadding().encodeToString(claims().toString().getBytes());
            assertThat(codeOf(h + "." + p + ".")).isEqualTo(ErrorCode.TOKEN_INVALID);
        }

        @Test
        @DisplayName("an HS256 token MACed with our public key as the secret is refused (algorithm confusion)")
        void hmacWithPublicKey() throws Exception {
            JWSHeader h = new JWSHeader.Builder(JWSAlgorithm.HS256).type(new JOSEObjectType("at+jwt"))
                    .keyID(ourKey().kid()).build();
            SignedJWT jwt = new SignedJWT(h, claims());
            jwt.sign(new MACSigner(java.util.Arrays.copyOf(ourKey().publicKey(), 64)));
            assertThat(codeOf(jwt.serialize())).isEqualTo(ErrorCode.TOKEN_INVALID);
        }

        @Test
        @DisplayName("a token carrying its own key in a jwk header is refused even when signed by that key")
        void embeddedJwk() throws Exception {
            com.nimbusds.jose.jwk.RSAKey attacker = new com.nimbusds.jose.jwk.gen.RSAKeyGenerator(2048).generate();
            String token = signWithOurKey(header().jwk(attacker.toPublicJWK()).build(), claims());
            assertThat(codeOf(token)).isEqualTo(ErrorCode.TOKEN_INVALID);
        }

        @Test
        @DisplayName("jku and x5u headers are refused")
        void keyUrls() throws Exception {
            assertThat(codeOf(signWithOurKey(header().jwkURL(URI.create("https://evil.example/jwks")).build(), claims())))
                    .isEqualTo(ErrorCode.TOKEN_INVALID);
            assertThat(codeOf(signWithOurKey(header().x509CertURL(URI.create("https://evil.example/cert")).build(), claims())))
                    .isEqualTo(ErrorCode.TOKEN_INVALID);
        }

        @Test
        @DisplayName("an unknown critical header is refused")
        void crit() throws Exception {
            JWSHeader h = header().criticalParams(Set.of("exp-ext")).customParam("exp-ext", 1).build();
            assertThat(codeOf(signWithOurKey(h, claims()))).isEqualTo(ErrorCode.TOKEN_INVALID);
        }

        @Test
        @DisplayName("a JWT of another type (typ JWT, or none) is refused")
        void wrongType() throws Exception {
            assertThat(codeOf(signWithOurKey(header().type(JOSEObjectType.JWT).build(), claims())))
                    .isEqualTo(ErrorCode.TOKEN_INVALID);
            assertThat(codeOf(signWithOurKey(new JWSHeader.Builder(JWSAlgorithm.EdDSA).keyID(ourKey().kid()).build(),
                    claims()))).isEqualTo(ErrorCode.TOKEN_INVALID);
        }

        @Test
        @DisplayName("a wrong issuer or audience is refused")
        void issuerAudience() throws Exception {
            assertThat(codeOf(signWithOurKey(header().build(),
                    new JWTClaimsSet.Builder(claims()).issuer("someone-else").build()))).isEqualTo(ErrorCode.TOKEN_INVALID);
            assertThat(codeOf(signWithOurKey(header().build(),
                    new JWTClaimsSet.Builder(claims()).audience("other-api").build()))).isEqualTo(ErrorCode.TOKEN_INVALID);
        }

        @Test
        @DisplayName("a token not valid before a time more than the skew ahead is refused")
        void notBefore() throws Exception {
            Date future = Date.from(f.clock.instant().plus(Duration.ofMinutes(2)));
            assertThat(codeOf(signWithOurKey(header().build(),
                    new JWTClaimsSet.Builder(claims()).notBeforeTime(future).build()))).isEqualTo(ErrorCode.TOKEN_INVALID);
        }

        @Test
        @DisplayName("a token without exp or sid is refused")
        void missingClaims() throws Exception {
            assertThat(codeOf(signWithOurKey(header().build(),
                    new JWTClaimsSet.Builder(claims()).expirationTime(null).build()))).isEqualTo(ErrorCode.TOKEN_INVALID);
            assertThat(codeOf(signWithOurKey(header().build(),
                    new JWTClaimsSet.Builder(claims()).claim("sid", null).build()))).isEqualTo(ErrorCode.TOKEN_INVALID);
        }

        @Test
        @DisplayName("a kid that is not one of ours is refused")
        void unknownKid() throws Exception {
            assertThat(codeOf(signWithOurKey(header().keyID("not-ours").build(), claims())))
                    .isEqualTo(ErrorCode.TOKEN_INVALID);
        }

        @Test
        @DisplayName("a token from another Portcullis deployment (other keys) is refused")
        void otherDeployment() {
            try (Fixture other = new Fixture()) {
                other.addUser("alice", "wonderland");
                assertThat(codeOf(other.login("alice", "wonderland").accessToken())).isEqualTo(ErrorCode.TOKEN_INVALID);
            }
        }

        @Test
        @DisplayName("garbage, a token of megabytes, and no token at all get clear codes")
        void garbage() {
            assertThat(codeOf("not.a.jwt")).isEqualTo(ErrorCode.TOKEN_INVALID);
            assertThat(codeOf("x".repeat(5_000_000))).isEqualTo(ErrorCode.TOKEN_INVALID);
            assertThat(codeOf("")).isEqualTo(ErrorCode.TOKEN_MISSING);
            assertThat(codeOf(null)).isEqualTo(ErrorCode.TOKEN_MISSING);
        }
    }
}
