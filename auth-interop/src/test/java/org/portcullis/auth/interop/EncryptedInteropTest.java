package org.portcullis.auth.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.interfaces.ECPublicKey;
import java.util.Set;

import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.JWEObject;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDHDecrypter;
import com.nimbusds.jose.crypto.ECDHEncrypter;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWEDecryptionKeySelector;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.jsonwebtoken.Jwts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.portcullis.auth.api.AuthException;
import org.portcullis.auth.api.AuthSettings;
import org.portcullis.auth.api.ErrorCode;
import org.portcullis.auth.api.SigningAlgorithm;

/**
 * Encrypted access tokens (docs/encryption.md) as another service meets them: a service holding the
 * ECDH-ES recipient private key decrypts our nested token with nimbus and verifies its signature
 * against the live JWK Set; JWEs that jjwt and nimbus build around a genuine signed token of ours
 * are accepted only in exactly our form, and refused with any other alg, enc or a zip header.
 */
@DisplayName("encrypted tokens (ECDH-ES+A256KW, A256GCM) with nimbus and jjwt")
class EncryptedInteropTest {

    private ECKey recipient;
    private IssuerServer server;

    @BeforeEach
    void start() throws Exception {
        recipient = new ECKeyGenerator(Curve.P_256).keyID("orders-api-enc").generate();
        server = new IssuerServer(SigningAlgorithm.ES256, AuthSettings.TokenEncryption.ecdhEs(recipient.toJSONString()),
                b -> b);
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    @Test
    @DisplayName("nimbus DefaultJWTProcessor, holding the recipient private key, decrypts and verifies our token with the live JWK Set")
    void nimbusDecryptsAndVerifies() throws Exception {
        String token = server.accessToken();
        // tag::nimbus-jwe[]
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        JWKSource<SecurityContext> ownKey = new ImmutableJWKSet<>(new JWKSet(recipient));       // private key, ours alone
        processor.setJWEKeySelector(new JWEDecryptionKeySelector<>(
                JWEAlgorithm.ECDH_ES_A256KW, EncryptionMethod.A256GCM, ownKey));               // pinned alg and enc
        JWKSource<SecurityContext> issuerKeys = JWKSourceBuilder
                .create(server.jwksUri().toURL(), new DefaultResourceRetriever(5_000, 5_000)).build();
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.ES256, issuerKeys));
        processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(new JOSEObjectType("at+jwt")));
        processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>("orders-api",
                new JWTClaimsSet.Builder().issuer("https://issuer.portcullis.test").build(),
                Set.of("sub", "exp", "iat", "jti")));
        JWTClaimsSet claims = processor.process(token, null);
        // end::nimbus-jwe[]
        assertThat(claims.getSubject()).isEqualTo("u-alice");
        assertThat(claims.getStringClaim("preferred_username")).isEqualTo(IssuerServer.USER);
        assertThat(JWEObject.parse(token).getHeader().getContentType()).isEqualTo("JWT");

        // The JWK Set the service reads holds the signing key only: the encryption key is never published.
        String jwks = HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.jwksUri()).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertThat(JWKSet.parse(jwks).getKeys()).singleElement()
                .satisfies(k -> assertThat(k.getKeyID()).isEqualTo(server.signingKey().kid()));
        assertThat(jwks).doesNotContain("orders-api-enc").doesNotContain(recipient.getX().toString());
    }

    /** Our genuine signed token inside an encrypted one: what an outside producer wraps. */
    private String innerSigned() throws Exception {
        JWEObject ours = JWEObject.parse(server.accessToken());
        ours.decrypt(new ECDHDecrypter(recipient));
        return ours.getPayload().toString();
    }

    private ErrorCode refusal(String token) {
        try {
            server.service.validate(token);
        } catch (AuthException e) {
            return e.code();
        }
        throw new AssertionError("the token was accepted");
    }

    private int statusOverHttp(String token) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.base.resolve("/user/me"))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    @DisplayName("a JWE that jjwt builds in exactly our form (ECDH-ES+A256KW, A256GCM, cty JWT, our kid) is accepted")
    void jjwtOurForm() throws Exception {
        ECPublicKey pub = recipient.toECPublicKey();
        String jwe = Jwts.builder().header().contentType("JWT").keyId("orders-api-enc").and()
                .content(innerSigned()).encryptWith(pub, Jwts.KEY.ECDH_ES_A256KW, Jwts.ENC.A256GCM).compact();
        assertThat(server.service.validate(jwe).username()).isEqualTo(IssuerServer.USER);
        assertThat(statusOverHttp(jwe)).isEqualTo(200);
    }

    @Test
    @DisplayName("a JWE that jjwt builds with another enc (A128GCM) is refused as an invalid token, 401 over HTTP")
    void jjwtOtherEnc() throws Exception {
        String jwe = Jwts.builder().header().contentType("JWT").keyId("orders-api-enc").and()
                .content(innerSigned()).encryptWith(recipient.toECPublicKey(), Jwts.KEY.ECDH_ES_A256KW, Jwts.ENC.A128GCM)
                .compact();
        assertThat(refusal(jwe)).isEqualTo(ErrorCode.TOKEN_INVALID);
        assertThat(statusOverHttp(jwe)).isEqualTo(401);
    }

    @Test
    @DisplayName("a JWE that jjwt compresses (zip DEF) is refused, though alg, enc and key are ours")
    void jjwtZip() throws Exception {
        String jwe = Jwts.builder().header().contentType("JWT").keyId("orders-api-enc").and()
                .content(innerSigned()).compressWith(Jwts.ZIP.DEF)
                .encryptWith(recipient.toECPublicKey(), Jwts.KEY.ECDH_ES_A256KW, Jwts.ENC.A256GCM).compact();
        assertThat(refusal(jwe)).isEqualTo(ErrorCode.TOKEN_INVALID);
        assertThat(statusOverHttp(jwe)).isEqualTo(401);
    }

    @Test
    @DisplayName("a JWE that nimbus builds with direct ECDH-ES (no key wrapping) to our key is refused")
    void nimbusOtherAlg() throws Exception {
        JWEObject jwe = new JWEObject(new JWEHeader.Builder(JWEAlgorithm.ECDH_ES, EncryptionMethod.A256GCM)
                .contentType("JWT").keyID("orders-api-enc").build(), new Payload(innerSigned()));
        jwe.encrypt(new ECDHEncrypter(recipient.toECPublicKey()));
        assertThat(refusal(jwe.serialize())).isEqualTo(ErrorCode.TOKEN_INVALID);
        assertThat(statusOverHttp(jwe.serialize())).isEqualTo(401);
    }

    @Test
    @DisplayName("docs/encryption.md shows the recipient's nimbus code exactly as this test runs it")
    void docsSnippet() throws Exception {
        String source = java.nio.file.Files.readString(java.nio.file.Path.of(
                "src/test/java/org/portcullis/auth/interop/EncryptedInteropTest.java"));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                "// tag::nimbus-jwe\\[]\\n(.*?)\\n\\s*// end::nimbus-jwe\\[]", java.util.regex.Pattern.DOTALL).matcher(source);
        assertThat(m.find()).isTrue();
        String page = java.nio.file.Files.readString(java.nio.file.Path.of("..", "docs", "encryption.md"));
        assertThat(page).contains("```java\n" + m.group(1).stripIndent() + "\n```");
    }
}
