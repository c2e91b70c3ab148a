package org.portcullis.auth.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Asks {@link PortcullisExtension} for an access token of a registered user, as a {@code String}
 * parameter of a test method.
 *
 * <pre>{@code
 * @Test
 * void rejectsExpiredTokens(@AccessToken(value = "alice", kind = Kind.EXPIRED) String expired,
 *                           @AccessToken("alice") String valid) { ... }
 * }</pre>
 *
 * <p>All tokens of one method are minted before it runs, expired ones first (minting them moves
 * the clock past their expiry, see {@link TestTokens#expired}), so a valid token is valid
 * whatever the order of the parameters.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface AccessToken {

    /** The username of a user registered with {@link WithUser} or the kit's builder. */
    String value();

    /** Which kind of token. */
    Kind kind() default Kind.VALID;

    /** The kinds of token, and what {@code AuthService.validate} answers for each. */
    enum Kind {
        /** A valid token of a fresh session. */
        VALID,
        /** Expired: {@code TOKEN_EXPIRED}. */
        EXPIRED,
        /** Its session was logged out: {@code TOKEN_REVOKED}. */
        REVOKED,
        /** Payload changed after signing: {@code TOKEN_INVALID}. */
        TAMPERED_PAYLOAD,
        /** Signature altered: {@code TOKEN_INVALID}. */
        TAMPERED_SIGNATURE,
        /** Rewritten to {@code alg: none}: {@code TOKEN_INVALID}. */
        UNSIGNED,
        /** Signed by a key this service does not know: {@code TOKEN_INVALID}. */
        FOREIGN
    }
}
