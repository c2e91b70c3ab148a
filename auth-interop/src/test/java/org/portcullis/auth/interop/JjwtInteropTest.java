package org.portcullis.auth.interop;

import io.jsonwebtoken.Claims;
import io.jsonwebtoken.Jws;
import io.jsonwebtoken.JwtParser;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.Locator;
import io.jsonwebtoken.ProtectedHeader;
import io.jsonwebtoken.security.Jwk;
import io.jsonwebtoken.security.JwkSet;
import io.jsonwebtoken.security.Jwks;
import org.junit.jupiter.api.DisplayName;
import org.portcullis.auth.api.SigningAlgorithm;

import java.util.List;

import java.security.Key;

@DisplayName("jjwt 0.13 with keys from the live JWK Set")
class JjwtInteropTest extends VerifierContract {

    /** What docs/interop.md shows for jjwt. */
    static String subject(String jwkSetJson, String token) {
        // tag::jjwt[]
        JwkSet keys = Jwks.setParser().build().parse(jwkSetJson);   // fetched from /.well-known/jwks.json
        Locator<Key> byKid = header -> keys.getKeys().stream()
                .filter(k -> k.getId().equals(((ProtectedHeader) header).getKeyId()))
                .findFirst().map(Jwk::toKey).orElse(null);
        JwtParser parser = Jwts.parser()
                .keyLocator(byKid)
                .requireIssuer("https://issuer.portcullis.test")
                .requireAudience("orders-api")
                .build();                                           // exp and nbf are always checked
        Jws<Claims> jws = parser.parseSignedClaims(token);
        if (!"at+jwt".equals(jws.getHeader().getType())) {          // jjwt has no typ requirement of its own
            throw new io.jsonwebtoken.MalformedJwtException("typ must be at+jwt");
        }
        // end::jjwt[]
        return jws.getPayload().getSubject();
    }

    @Override
    String verify(IssuerServer issuer, SigningAlgorithm algorithm, String token) throws Exception {
        return subject(fetch(issuer.jwksUri()), token);
    }

    @Override
    List<SigningAlgorithm> algorithms() {
        return List.of(SigningAlgorithm.RS256, SigningAlgorithm.ES256, SigningAlgorithm.EdDSA);
    }
}
