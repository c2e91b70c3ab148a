package org.portcullis.auth.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.portcullis.auth.core.LoginTest.catchAuth;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.portcullis.auth.api.AuthException;
import org.portcullis.auth.api.ErrorCode;
import org.portcullis.auth.api.TokenPair;

/**
 * The token cache is asked before a token's characters are checked, so it must answer "not
 * cached" for any string at all: an ISO-8859-1 encoding turns a surrogate pair into one {@code '?'},
 * so such a string has fewer bytes than characters.
 */
@DisplayName("token cache: strings with surrogate pairs")
class TokenCacheSurrogateTest {

    /** Three surrogate pairs (U+1F600) before the first dot: 7 characters, 5 bytes in ISO-8859-1. */
    private static final String PAIRS = "\uD83D\uDE00\uD83D\uDE00\uD83D\uDE00.x";

    @Test
    @DisplayName("validate and refresh refuse them as an invalid token, never with an unchecked exception (a 5xx)")
    void refusedAsInvalid() {
        try (Fixture f = new Fixture()) {
            f.addUser("alice", "pw");
            TokenPair p = f.login("alice", "pw");
            AuthException v = catchAuth(() -> f.auth.validate(PAIRS));
            assertThat(v.code()).isEqualTo(ErrorCode.TOKEN_INVALID);
            AuthException r = catchAuth(() -> f.auth.refresh(PAIRS, p.refreshToken(), Fixture.CLIENT));
            assertThat(r.code()).isEqualTo(ErrorCode.TOKEN_INVALID);
            assertThat(f.auth.validate(p.accessToken()).username()).isEqualTo("alice");
        }
    }
}
