package org.portcullis.auth.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.portcullis.auth.core.LoginTest.catchAuth;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.portcullis.auth.api.ErrorCode;
import org.portcullis.auth.api.SigningKey;
import org.portcullis.auth.api.TokenPair;
import org.portcullis.auth.core.internal.token.KeyMaterial;

/**
 * An adversarial review of token handling against RFC 8725 §2–§3, RFC 7515 §4.1, RFC 7519 §4.1
 * and §7.2, and RFC 9068. Many tokens here are signed with the deployment's own key, which an
 * attacker does not have: they show that a check holds even behind a valid signature, so that it
 * does not rest on the signature alone.
 */
@DisplayName("hostile tokens")
class HostileTokenTest extends AliceSignedIn {

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();


    private SigningKey ourKey() {
        return f.stores.signingKeys().findAll().get(0);
    }

    private JWTClaimsSet claims() throws Exception {
        return SignedJWT.parse(pair.accessToken()).getJWTClaimsSet();
    }

    private JWSHeader.Builder header() {
        return new JWSHeader.Builder(JWSAlgorithm.EdDSA).type(new JOSEObjectType("at+jwt")).keyID(ourKey().kid());
    }

    private String sign(JWSHeader header, JWTClaimsSet claims) throws Exception {
        SignedJWT jwt = new SignedJWT(header, claims);
        jwt.sign(KeyMaterial.prepare(ourKey()).signer().orElseThrow());
        return jwt.serialize();
    }

    /** A compact JWS over exactly these header and payload texts, signed with our key. */
    private String signRaw(String headerJson, String payloadJson) throws Exception {
        String input = b64(headerJson) + "." + b64(payloadJson);
        Base64URL sig = KeyMaterial.prepare(ourKey()).signer().orElseThrow()
                .sign(header().build(), input.getBytes(StandardCharsets.US_ASCII));
        return input + "." + sig;
    }

    private String ourHeaderJson() {
        return "{\"alg\":\"EdDSA\",\"typ\":\"at+jwt\",\"kid\":\"" + ourKey().kid() + "\"}";
    }

    private static String b64(String s) {
        return B64.encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    /** The claims of our token as JSON text, with {@code extra} inserted before the closing brace. */
    private String payloadWith(String extra) throws Exception {
        String json = claims().toString();
        return json.substring(0, json.length() - 1) + extra + "}";
    }

    @Nested
    @DisplayName("serialisations other than compact JWS")
    class Shapes {

        @Test
        @DisplayName("the raw-signing helper is sound: our own header and claims, re-signed, are accepted")
        void control() throws Exception {
            assertThat(f.auth.validate(signRaw(ourHeaderJson(), claims().toString())).userId()).isEqualTo(aliceId);
        }

        @Test
        @DisplayName("a valid token in JWS JSON serialisation is refused (RFC 7519 §7.2: compact only)")
        void jsonSerialisation() {
            String[] parts = pair.accessToken().split("\\.");
            String general = "{\"payload\":\"" + parts[1] + "\",\"signatures\":[{\"protected\":\"" + parts[0]
                    + "\",\"signature\":\"" + parts[2] + "\"}]}";
            String flattened = "{\"payload\":\"" + parts[1] + "\",\"protected\":\"" + parts[0]
                    + "\",\"signature\":\"" + parts[2] + "\"}";
            assertThat(codeOf(general)).isEqualTo(ErrorCode.TOKEN_INVALID);
            assertThat(codeOf(flattened)).isEqualTo(ErrorCode.TOKEN_INVALID);
        }

        @Test
        @DisplayName("a five-part JWE is refused before any decryption is attempted")
        void jwe() {
            String jweHeader = b64("{\"alg\":\"dir\",\"enc\":\"A128GCM\",\"typ\":\"at+jwt\",\"kid\":\"" + ourKey().kid() + "\"}");
            String[] parts = pair.accessToken().split("\\.");
            assertThat(codeOf(jweHeader + ".." + b64("iv-iv-iv-iv") + "." + parts[1] + "." + b64("tag-tag-tag-tag")))
                    .isEqualTo(ErrorCode.TOKEN_INVALID);
        }

        @Test
        @DisplayName("a token with an unencoded payload (b64 false, RFC 7797) is refused, with or without crit")
        void unencodedPayload() throws Exception {
            String kid = ourKey().kid();
            String withCrit = "{\"alg\":\"EdDSA\",\"typ\":\"at+jwt\",\"kid\":\"" + kid + "\",\"b64\":false,\"crit\":[\"b64\"]}";
            String withoutCrit = "{\"alg\":\"EdDSA\",\"typ\":\"at+jwt\",\"kid\":\"" + kid + "\",\"b64\":false}";
            assertThat(codeOf(signRaw(withCrit, claims().toString()))).isEqualTo(ErrorCode.TOKEN_INVALID);
            assertThat(codeOf(signRaw(withoutCrit, claims().toString()))).isEqualTo(ErrorCode.TOKEN_INVALID);
        }
    }

    @Nested
    @DisplayName("headers (RFC 7515 §4.1, RFC 8725 §3.1)")
    class Headers {

        @Test
        @DisplayName("alg spelled in another case is not our pinned algorithm, even behind a valid signature")
        void algCase() throws Exception {
            String kid = ourKey().kid();
            for (String alg : List.of("eddsa", "EDDSA", "EdDsa", "EdDSA ")) {
                String h = "{\"alg\":\"" + alg + "\",\"typ\":\"at+jwt\",\"kid\":\"" + kid + "\"}";
                assertThat(codeOf(signRaw(h, claims().toString()))).as(alg).isEqualTo(ErrorCode.TOKEN_INVALID);
            }
        }

        @Test
        @DisplayName("an ES256 token whose signature is r = s = 0 is refused (the 'psychic signature', CVE-2022-21449)")
        void psychicSignature() {
            try (Fixture es = new Fixture(b -> b.signingAlgorithm(org.portcullis.auth.api.SigningAlgorithm.ES256))) {
                es.addUser("bob", "pw");
                String token = es.login("bob", "pw").accessToken();
                String zeros = B64.encodeToString(new byte[64]);
                String forged = token.substring(0, token.lastIndexOf('.') + 1) + zeros;
                assertThat(catchAuth(() -> es.auth.validate(forged)).code()).isEqualTo(ErrorCode.TOKEN_INVALID);
                assertThat(es.auth.validate(token).username()).isEqualTo("bob");
            }
        }

        @Test
        @DisplayName("a kid with path, SQL or control characters is only a map key: refused, and no key is added")
        void hostileKid() throws Exception {
            for (String kid : List.of("../../../../etc/passwd", "' OR '1'='1' --", "kid\u0000", "%2e%2e%2f", "*")) {
                assertThat(codeOf(sign(header().keyID(kid).build(), claims()))).as(kid).isEqualTo(ErrorCode.TOKEN_INVALID);
            }
            assertThat(f.stores.signingKeys().findAll()).hasSize(1);
        }

        // Each duplicate is tried in both orders: a parser keeping the first or the last value
        // would accept one of the two, so refusing both shows that duplicates themselves are refused.
        @Test
        @DisplayName("a header naming alg twice is refused, whichever value comes first (RFC 7515 §4: names are unique)")
        void duplicateAlg() throws Exception {
            String kid = ourKey().kid();
            for (String algs : List.of("\"alg\":\"none\",\"alg\":\"EdDSA\"", "\"alg\":\"EdDSA\",\"alg\":\"none\"")) {
                String h = "{" + algs + ",\"typ\":\"at+jwt\",\"kid\":\"" + kid + "\"}";
                assertThat(codeOf(signRaw(h, claims().toString()))).as(algs).isEqualTo(ErrorCode.TOKEN_INVALID);
            }
        }

        @Test
        @DisplayName("a header naming kid twice is refused, whichever value comes first")
        void duplicateKid() throws Exception {
            String kid = "\"kid\":\"" + ourKey().kid() + "\"";
            for (String kids : List.of("\"kid\":\"someone-elses\"," + kid, kid + ",\"kid\":\"someone-elses\"")) {
                String h = "{\"alg\":\"EdDSA\",\"typ\":\"at+jwt\"," + kids + "}";
                assertThat(codeOf(signRaw(h, claims().toString()))).as(kids).isEqualTo(ErrorCode.TOKEN_INVALID);
            }
        }
    }

    @Nested
    @DisplayName("claims (RFC 7519 §4.1, RFC 9068 §4)")
    class Claims {

        @Test
        @DisplayName("a payload naming sub twice is refused (RFC 7519 §4: claim names must be unique)")
        void duplicateSub() throws Exception {
            assertThat(codeOf(signRaw(ourHeaderJson(), payloadWith(",\"sub\":\"bob\"")))).isEqualTo(ErrorCode.TOKEN_INVALID);
        }

        @Test
        @DisplayName("a payload naming sid or exp twice is refused")
        void duplicateSidExp() throws Exception {
            long later = f.clock.instant().plus(Duration.ofDays(365)).getEpochSecond();
            assertThat(codeOf(signRaw(ourHeaderJson(), payloadWith(",\"sid\":\"other-session\""))))
                    .isEqualTo(ErrorCode.TOKEN_INVALID);
            assertThat(codeOf(signRaw(ourHeaderJson(), payloadWith(",\"exp\":" + later))))
                    .isEqualTo(ErrorCode.TOKEN_INVALID);
        }

        @Test
        @DisplayName("exp as a string is refused")
        void expAsString() throws Exception {
            String p = claims().toString().replaceFirst("\"exp\":(\\d+)", "\"exp\":\"$1\"");
            assertThat(p).contains("\"exp\":\"");
            assertThat(codeOf(signRaw(ourHeaderJson(), p))).isEqualTo(ErrorCode.TOKEN_INVALID);
        }

        @Test
        @DisplayName("an absurdly large exp does not make a token immortal")
        void hugeExp() throws Exception {
            for (String exp : List.of("1e300", "9223372036854775807", "99999999999999999999999")) {
                String p = claims().toString().replaceFirst("\"exp\":\\d+", "\"exp\":" + exp);
                assertThat(codeOf(signRaw(ourHeaderJson(), p))).as(exp)
                        .isIn(ErrorCode.TOKEN_INVALID, ErrorCode.TOKEN_EXPIRED);
            }
        }

        @Test
        @DisplayName("an aud array holding ours among others is accepted (RFC 7519 §4.1.3), one without ours is not")
        void audienceArray() throws Exception {
            String ours = f.settings.audience();
            assertThat(f.auth.validate(sign(header().build(),
                    new JWTClaimsSet.Builder(claims()).audience(List.of("other-api", ours)).build())).userId())
                    .isEqualTo(aliceId);
            assertThat(codeOf(sign(header().build(),
                    new JWTClaimsSet.Builder(claims()).audience(List.of("other-api", ours.toUpperCase())).build())))
                    .isEqualTo(ErrorCode.TOKEN_INVALID);
        }

        @Test
        @DisplayName("an iat more than the skew in the future is refused")
        void iatInFuture() throws Exception {
            Date future = Date.from(f.clock.instant().plus(Duration.ofDays(1)));
            assertThat(codeOf(sign(header().build(), new JWTClaimsSet.Builder(claims()).issueTime(future)
                    .notBeforeTime(null).build()))).isEqualTo(ErrorCode.TOKEN_INVALID);
        }

        @Test
        @DisplayName("an nbf far in the past gives a token no extra life: exp still ends it")
        void nbfFarPast() throws Exception {
            String token = sign(header().build(), new JWTClaimsSet.Builder(claims())
                    .notBeforeTime(Date.from(Instant.EPOCH)).build());
            assertThat(f.auth.validate(token).userId()).isEqualTo(aliceId);
            f.clock.setInstant(pair.expiresAt().plus(f.settings.clockSkew()));
            assertThat(codeOf(token)).isEqualTo(ErrorCode.TOKEN_EXPIRED);
        }
    }

    @Nested
    @DisplayName("lifetimes")
    class Lifetimes {

        @Test
        @DisplayName("a token validated (and cached) before logoutAll is refused on the same node right after it")
        void logoutAllSameNode() {
            TokenPair second = f.login("alice", "wonderland");
            f.auth.validate(pair.accessToken());
            f.auth.validate(second.accessToken());
            f.auth.logoutAll(f.auth.validate(second.accessToken()), Fixture.CLIENT);
            assertThat(codeOf(pair.accessToken())).isEqualTo(ErrorCode.TOKEN_REVOKED);
            assertThat(codeOf(second.accessToken())).isEqualTo(ErrorCode.TOKEN_REVOKED);
        }

        @Test
        @DisplayName("an access token issued just before the absolute expiry expires with it, and is refused at it despite the skew")
        void accessTokenCappedBySession() {
            try (Fixture g = new Fixture(b -> b.refreshIdleTimeout(Duration.ofHours(1))
                    .absoluteSessionLifetime(Duration.ofHours(2)))) {
                g.addUser("bob", "pw");
                TokenPair p = g.login("bob", "pw");
                Instant absolute = Fixture.START.plus(Duration.ofHours(2));
                for (int i = 0; i < 12; i++) {
                    g.clock.advance(Duration.ofMinutes(10));
                    if (g.clock.instant().isBefore(absolute.minus(Duration.ofMinutes(5)))) {
                        p = g.auth.refresh(p.accessToken(), p.refreshToken(), Fixture.CLIENT);
                    }
                }
                g.clock.setInstant(absolute.minus(Duration.ofMinutes(5)));
                TokenPair last = g.auth.refresh(p.accessToken(), p.refreshToken(), Fixture.CLIENT);
                assertThat(last.expiresAt()).isEqualTo(absolute);
                assertThat(last.refreshExpiresAt()).isEqualTo(absolute);
                g.auth.validate(last.accessToken());
                g.clock.setInstant(absolute);
                assertThat(catchAuth(() -> g.auth.validate(last.accessToken())).code()).isEqualTo(ErrorCode.TOKEN_REVOKED);
                assertThat(catchAuth(() -> g.auth.refresh(last.accessToken(), last.refreshToken(), Fixture.CLIENT)).code())
                        .isEqualTo(ErrorCode.REFRESH_TOKEN_EXPIRED);
            }
        }
    }

    /** A compact JWS over exactly these two segment texts, signed with our key: the segments are not re-encoded. */
    private String signSegments(String headerSegment, String payloadSegment) throws Exception {
        String input = headerSegment + "." + payloadSegment;
        Base64URL sig = KeyMaterial.prepare(ourKey()).signer().orElseThrow()
                .sign(header().build(), input.getBytes(StandardCharsets.US_ASCII));
        return input + "." + sig;
    }

    private static final String URL_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    /** Our token re-signed with an extra claim chosen so that its signature holds a '-' or a '_'. */
    private String tokenWithUrlOnlyCharacterInSignature() throws Exception {
        for (int i = 0; ; i++) {
            String t = signRaw(ourHeaderJson(), payloadWith(",\"n\":" + i));
            String sig = t.substring(t.lastIndexOf('.') + 1);
            if (sig.indexOf('-') >= 0 || sig.indexOf('_') >= 0) {
                return t;
            }
        }
    }

    /**
     * One spelling per token: RFC 7515 §7.1 defines the compact serialisation as three base64url
     * segments without padding (RFC 7515 §2), so every other way of writing the same bytes is
     * refused; the cache, keyed by the exact string, must not let a respelling in either.
     */
    @Nested
    @DisplayName("one spelling per token (RFC 7515 §2 and §7.1, RFC 7519 §7.2)")
    class OneSpelling {

        @Test
        @DisplayName("a signature segment with padding is refused, even after the unpadded token was validated and cached")
        void paddedSignature() {
            f.auth.validate(pair.accessToken());
            assertThat(codeOf(pair.accessToken() + "==")).isEqualTo(ErrorCode.TOKEN_INVALID);
            assertThat(codeOf(pair.accessToken() + "=")).isEqualTo(ErrorCode.TOKEN_INVALID);
        }

        @Test
        @DisplayName("a signature written in the standard base64 alphabet (+ and /) is refused")
        void standardAlphabetSignature() throws Exception {
            String token = tokenWithUrlOnlyCharacterInSignature();
            assertThat(f.auth.validate(token).userId()).isEqualTo(aliceId);
            int dot = token.lastIndexOf('.');
            String std = token.substring(0, dot) + token.substring(dot).replace('-', '+').replace('_', '/');
            assertThat(codeOf(std)).isEqualTo(ErrorCode.TOKEN_INVALID);
        }

        @Test
        @DisplayName("a signature whose unused trailing bits are set (the same bytes, another spelling) is refused")
        void nonCanonicalTrailingBits() {
            String token = pair.accessToken();
            f.auth.validate(token);
            // 64 signature bytes take 86 characters; the last one carries 2 bits and 4 that must be zero.
            char last = token.charAt(token.length() - 1);
            int bits = URL_ALPHABET.indexOf(last);
            for (int low = 1; low < 16; low++) {
                String respelt = token.substring(0, token.length() - 1) + URL_ALPHABET.charAt((bits & 0x30) | low);
                assertThat(Base64.getUrlDecoder().decode(respelt.substring(respelt.lastIndexOf('.') + 1)))
                        .isEqualTo(Base64.getUrlDecoder().decode(token.substring(token.lastIndexOf('.') + 1)));
                assertThat(codeOf(respelt)).as("low bits %d", low).isEqualTo(ErrorCode.TOKEN_INVALID);
            }
        }

        @Test
        @DisplayName("a header or payload segment with padding is refused even behind a valid signature")
        void paddedHeaderOrPayload() throws Exception {
            // Pad the JSON to a length that base64 cannot encode without padding.
            String headerJson = ourHeaderJson();
            while (headerJson.length() % 3 == 0) {
                headerJson = headerJson.replace("{", "{ ");
            }
            String payloadJson = claims().toString();
            while (payloadJson.length() % 3 == 0) {
                payloadJson = payloadJson.replace("{", "{ ");
            }
            String h = Base64.getUrlEncoder().encodeToString(headerJson.getBytes(StandardCharsets.UTF_8));
            String p = Base64.getUrlEncoder().encodeToString(payloadJson.getBytes(StandardCharsets.UTF_8));
            assertThat(h).endsWith("=");
            assertThat(p).endsWith("=");
            assertThat(f.auth.validate(signSegments(b64(headerJson), b64(payloadJson))).userId()).isEqualTo(aliceId);
            assertThat(codeOf(signSegments(h, b64(payloadJson)))).isEqualTo(ErrorCode.TOKEN_INVALID);
            assertThat(codeOf(signSegments(b64(headerJson), p))).isEqualTo(ErrorCode.TOKEN_INVALID);
        }

        @Test
        @DisplayName("characters outside base64url inside a segment (space, newline, '!', non-ASCII) are refused")
        void foreignCharacters() {
            String token = pair.accessToken();
            int mid = token.lastIndexOf('.') + 20;
            for (String c : List.of(" ", "\n", "\t", "!", "\u00e9", "%", "\u0000")) {
                assertThat(codeOf(token.substring(0, mid) + c + token.substring(mid))).as("%s", c)
                        .isEqualTo(ErrorCode.TOKEN_INVALID);
                assertThat(codeOf(token + c)).isEqualTo(ErrorCode.TOKEN_INVALID);
                assertThat(codeOf(c + token)).isEqualTo(ErrorCode.TOKEN_INVALID);
            }
        }

        @Test
        @DisplayName("after a token is cached, the same text with a lone surrogate, a Latin-1 letter or a wide "
                + "character in place of one of its characters is refused, never a hit")
        void cachedTokenRespeltOutsideAscii() {
            String token = pair.accessToken();
            f.auth.validate(token);
            int sig = token.lastIndexOf('.') + 1;
            for (int i : List.of(0, token.indexOf('.'), sig, token.length() - 1)) {
                char original = token.charAt(i);
                for (char r : List.of('\ud800', '\u00e9', (char) (original + 0x100))) {
                    String respelt = token.substring(0, i) + r + token.substring(i + 1);
                    assertThat(codeOf(respelt)).as("position %d, U+%04X", i, (int) r).isEqualTo(ErrorCode.TOKEN_INVALID);
                }
            }
            assertThat(f.auth.validate(token).userId()).isEqualTo(aliceId);
        }

        @Test
        @DisplayName("invalid UTF-8 in the header or the payload is refused, not replaced (RFC 8725 §3.7, RFC 7515 §5.2 step 3)")
        void invalidUtf8() throws Exception {
            byte[][] bad = {{(byte) 0xFF}, {(byte) 0xC0, (byte) 0xAF}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xE2, (byte) 0x82}};
            for (byte[] b : bad) {
                String h = withBytes("{\"alg\":\"EdDSA\",\"typ\":\"at+jwt\",\"kid\":\"" + ourKey().kid() + "\",\"x\":\"", b, "\"}");
                String p = withBytes(payloadWith(",\"x\":\""), b, "\"}");
                assertThat(codeOf(signSegments(h, b64(claims().toString())))).isEqualTo(ErrorCode.TOKEN_INVALID);
                assertThat(codeOf(signSegments(b64(ourHeaderJson()), p))).isEqualTo(ErrorCode.TOKEN_INVALID);
            }
            // The control: the same shapes with well-formed UTF-8 are accepted.
            byte[] ok = "\u00e9".getBytes(StandardCharsets.UTF_8);
            assertThat(f.auth.validate(signSegments(b64(ourHeaderJson()),
                    withBytes(payloadWith(",\"x\":\""), ok, "\"}"))).userId()).isEqualTo(aliceId);
        }

        private String withBytes(String before, byte[] middle, String after) {
            byte[] a = before.getBytes(StandardCharsets.UTF_8);
            byte[] c = after.getBytes(StandardCharsets.UTF_8);
            byte[] all = new byte[a.length + middle.length + c.length];
            System.arraycopy(a, 0, all, 0, a.length);
            System.arraycopy(middle, 0, all, a.length, middle.length);
            System.arraycopy(c, 0, all, a.length + middle.length, c.length);
            return B64.encodeToString(all);
        }

        @Test
        @DisplayName("header or payload text that only a lenient parser reads as JSON is refused (RFC 8259)")
        void lenientJson() throws Exception {
            String kid = ourKey().kid();
            List<String> headers = List.of(
                    "{'alg':'EdDSA','typ':'at+jwt','kid':'" + kid + "'}",
                    "{alg:\"EdDSA\",typ:\"at+jwt\",kid:\"" + kid + "\"}",
                    "{\"alg\":\"EdDSA\",\"typ\":\"at+jwt\",\"kid\":\"" + kid + "\"/*c*/}",
                    "{\"alg\":\"EdDSA\";\"typ\":\"at+jwt\";\"kid\":\"" + kid + "\"}",
                    ourHeaderJson() + "x",
                    ourHeaderJson() + ourHeaderJson());
            for (String h : headers) {
                assertThat(codeOf(signRaw(h, claims().toString()))).as(h).isEqualTo(ErrorCode.TOKEN_INVALID);
            }
            assertThat(codeOf(signRaw(ourHeaderJson(), payloadWith(",\"x\":NaN")))).isEqualTo(ErrorCode.TOKEN_INVALID);
            assertThat(codeOf(signRaw(ourHeaderJson(), payloadWith(",\"x\":[1,]")))).isEqualTo(ErrorCode.TOKEN_INVALID);
        }

        @Test
        @DisplayName("a duplicate member inside a nested claim object is refused too (RFC 7519 §4)")
        void nestedDuplicate() throws Exception {
            assertThat(f.auth.validate(signRaw(ourHeaderJson(), payloadWith(",\"x\":{\"a\":1,\"b\":2}"))).userId())
                    .isEqualTo(aliceId);
            assertThat(codeOf(signRaw(ourHeaderJson(), payloadWith(",\"x\":{\"a\":1,\"a\":2}"))))
                    .isEqualTo(ErrorCode.TOKEN_INVALID);
            assertThat(codeOf(signRaw(ourHeaderJson(), payloadWith(",\"x\":{\"a\":1,\"\\u0061\":2}"))))
                    .isEqualTo(ErrorCode.TOKEN_INVALID);
        }

        @Test
        @DisplayName("a duplicate spelt with an escape (\"s\\u0075b\") is still a duplicate")
        void escapedDuplicate() throws Exception {
            assertThat(codeOf(signRaw(ourHeaderJson(), payloadWith(",\"s\\u0075b\":\"bob\""))))
                    .isEqualTo(ErrorCode.TOKEN_INVALID);
        }

        @Test
        @DisplayName("crit in any form, even an empty array or null, is refused (RFC 7515 §4.1.11, RFC 8725 §3.x)")
        void critInAnyForm() throws Exception {
            String kid = ourKey().kid();
            for (String crit : List.of("[]", "null", "\"exp\"", "{}", "[\"exp\"]", "0")) {
                for (String name : List.of("crit", "cr\\u0069t")) {
                    String h = "{\"alg\":\"EdDSA\",\"typ\":\"at+jwt\",\"kid\":\"" + kid + "\",\"" + name + "\":" + crit + "}";
                    assertThat(codeOf(signRaw(h, claims().toString()))).as(h).isEqualTo(ErrorCode.TOKEN_INVALID);
                }
            }
        }

        @Test
        @DisplayName("exp - iat above the access-token lifetime plus the skew is refused; at exactly that it is accepted")
        void lifetimeBound() throws Exception {
            Instant iat = Instant.ofEpochSecond(f.clock.instant().getEpochSecond());
            Duration most = f.settings.accessTokenLifetime().plus(f.settings.clockSkew());
            JWTClaimsSet at = new JWTClaimsSet.Builder(claims()).issueTime(Date.from(iat)).notBeforeTime(Date.from(iat))
                    .expirationTime(Date.from(iat.plus(most))).build();
            JWTClaimsSet over = new JWTClaimsSet.Builder(at).expirationTime(Date.from(iat.plus(most).plusSeconds(1))).build();
            JWTClaimsSet farOver = new JWTClaimsSet.Builder(at).expirationTime(Date.from(iat.plus(Duration.ofDays(3650)))).build();
            assertThat(f.auth.validate(sign(header().build(), at)).userId()).isEqualTo(aliceId);
            assertThat(codeOf(sign(header().build(), over))).isEqualTo(ErrorCode.TOKEN_INVALID);
            assertThat(codeOf(sign(header().build(), farOver))).isEqualTo(ErrorCode.TOKEN_INVALID);
            // An old iat does not buy a long exp either: the bound is on the claims, not on now.
            JWTClaimsSet oldIat = new JWTClaimsSet.Builder(at).issueTime(Date.from(iat.minus(Duration.ofDays(1))))
                    .notBeforeTime(null).build();
            assertThat(codeOf(sign(header().build(), oldIat))).isEqualTo(ErrorCode.TOKEN_INVALID);
        }

        @Test
        @DisplayName("a refresh with a respelt or over-long access token is refused as TOKEN_INVALID too")
        void refreshPath() throws Exception {
            Instant iat = Instant.ofEpochSecond(f.clock.instant().getEpochSecond());
            String longLived = sign(header().build(), new JWTClaimsSet.Builder(claims())
                    .expirationTime(Date.from(iat.plus(Duration.ofDays(1)))).build());
            assertThat(catchAuth(() -> f.auth.refresh(pair.accessToken() + "==", pair.refreshToken(), Fixture.CLIENT)).code())
                    .isEqualTo(ErrorCode.TOKEN_INVALID);
            assertThat(catchAuth(() -> f.auth.refresh(longLived, pair.refreshToken(), Fixture.CLIENT)).code())
                    .isEqualTo(ErrorCode.TOKEN_INVALID);
            assertThat(f.auth.refresh(pair.accessToken(), pair.refreshToken(), Fixture.CLIENT).accessToken()).isNotBlank();
        }
    }
}
