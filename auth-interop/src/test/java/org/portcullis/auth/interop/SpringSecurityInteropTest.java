package org.portcullis.auth.interop;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.portcullis.auth.api.SigningAlgorithm;

import java.util.List;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.JwtAudienceValidator;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTypeValidator;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("Spring Security 7.1 NimbusJwtDecoder.withJwkSetUri against the live JWK Set")
class SpringSecurityInteropTest extends VerifierContract {

    /** What docs/interop.md shows for Spring Security. */
    static NimbusJwtDecoder decoder(String jwkSetUri, SignatureAlgorithm algorithm) {
        // tag::spring[]
        NimbusJwtDecoder decoder = NimbusJwtDecoder.withJwkSetUri(jwkSetUri)
                .jwsAlgorithm(algorithm)           // SignatureAlgorithm.RS256 or ES256: Spring has no EdDSA
                .validateType(false)               // the typ check is JwtTypeValidator's (at+jwt), below
                .build();
        // Not createAtJwtValidator(): it insists on RFC 9068's client_id, which Portcullis tokens do not carry.
        decoder.setJwtValidator(JwtValidators.createDefaultWithValidators(   // adds exp/nbf (60 s skew)
                new JwtIssuerValidator("https://issuer.portcullis.test"),
                new JwtAudienceValidator("orders-api"),
                new JwtTypeValidator("at+jwt")));
        // end::spring[]
        return decoder;
    }

    @Override
    String verify(IssuerServer issuer, SigningAlgorithm algorithm, String token) {
        return decoder(issuer.jwksUri().toString(), SignatureAlgorithm.from(algorithm.jwsName())).decode(token).getSubject();
    }

    @Override
    List<SigningAlgorithm> algorithms() {
        return List.of(SigningAlgorithm.RS256, SigningAlgorithm.ES256);
    }

    @Test
    @DisplayName("EdDSA: Spring cannot name the algorithm and refuses the token; the docs say to choose ES256")
    void eddsaRefused() throws Exception {
        assertThat(SignatureAlgorithm.from("EdDSA")).isNull();
        try (IssuerServer issuer = new IssuerServer(SigningAlgorithm.EdDSA)) {
            String token = issuer.accessToken();
            NimbusJwtDecoder decoder = NimbusJwtDecoder.withJwkSetUri(issuer.jwksUri().toString()).validateType(false).build();
            assertThatThrownBy(() -> decoder.decode(token)).isInstanceOf(BadJwtException.class)
                    .hasMessageContaining("algorithm");
        }
    }
}
