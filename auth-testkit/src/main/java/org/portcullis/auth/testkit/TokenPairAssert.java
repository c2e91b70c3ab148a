package org.portcullis.auth.testkit;

import java.time.Duration;
import java.time.Instant;

import org.assertj.core.api.AbstractAssert;
import org.portcullis.auth.api.TokenPair;

/**
 * AssertJ assertions on a {@link TokenPair}; from {@link PortcullisAssertions#assertThat(TokenPair)}.
 * Failure messages never print the tokens.
 */
public final class TokenPairAssert extends AbstractAssert<TokenPairAssert, TokenPair> {

    TokenPairAssert(TokenPair actual) {
        super(actual, TokenPairAssert.class);
    }

    /** The token type is {@code Bearer} and the access token is a three-part JWS. */
    public TokenPairAssert isBearer() {
        isNotNull();
        if (!"Bearer".equals(actual.tokenType()) || actual.accessToken().split("\\.", -1).length != 3) {
            failWithMessage("Expected a Bearer pair with a compact JWS access token, but it was not");
        }
        return this;
    }

    /** The access token lives exactly {@code lifetime}. */
    public TokenPairAssert expiresIn(Duration lifetime) {
        isNotNull();
        if (!actual.expiresIn().equals(lifetime)) {
            failWithMessage("Expected the access token to live <%s> but it lives <%s>", lifetime, actual.expiresIn());
        }
        return this;
    }

    /** The access token expires at {@code instant}. */
    public TokenPairAssert expiresAt(Instant instant) {
        isNotNull();
        if (!actual.expiresAt().equals(instant)) {
            failWithMessage("Expected the access token to expire at <%s> but it expires at <%s>", instant,
                    actual.expiresAt());
        }
        return this;
    }

    /** Both tokens belong to session {@code sessionId}. */
    public TokenPairAssert belongsToSession(String sessionId) {
        isNotNull();
        if (!actual.sessionId().equals(sessionId)) {
            failWithMessage("Expected session <%s> but the pair belongs to <%s>", sessionId, actual.sessionId());
        }
        return this;
    }

    /** Neither token is the same as in {@code other} (after a refresh, both must rotate). */
    public TokenPairAssert sharesNoTokenWith(TokenPair other) {
        isNotNull();
        if (actual.accessToken().equals(other.accessToken()) || actual.refreshToken().equals(other.refreshToken())
                || actual.accessToken().equals(other.refreshToken())) {
            failWithMessage("Expected two pairs with distinct tokens, but they share a token");
        }
        return this;
    }
}
