package org.portcullis.auth.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.portcullis.auth.api.AuthException;
import org.portcullis.auth.api.ErrorCode;

@DisplayName("TestTokens mints tokens the service answers as their kind says")
class TestTokensTest {

    private final PortcullisTestKit kit = PortcullisTestKit.inMemory().withUser("alice", "wonderland", "user").build();
    private final TestTokens tokens = kit.tokens();

    @AfterEach
    void close() {
        kit.close();
    }

    private void assertRejected(String token, ErrorCode code) {
        ThrowingCallable validate = () -> kit.service().validate(token);
        assertThatThrownBy(validate).isInstanceOf(AuthException.class)
                .extracting(e -> ((AuthException) e).code()).isEqualTo(code);
    }

    private static String payload(String token) {
        return new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8);
    }

    @Test
    @DisplayName("a valid token validates")
    void valid() {
        assertThat(kit.service().validate(tokens.valid("alice")).username()).isEqualTo("alice");
    }

    @Test
    @DisplayName("an expired token fails with TOKEN_EXPIRED")
    void expired() {
        assertRejected(tokens.expired("alice"), ErrorCode.TOKEN_EXPIRED);
    }

    @Test
    @DisplayName("a token minted after an expired one is valid")
    void validAfterExpired() {
        tokens.expired("alice");
        assertThat(kit.service().validate(tokens.valid("alice")).username()).isEqualTo("alice");
    }

    @Test
    @DisplayName("a token of a logged-out session fails with TOKEN_REVOKED")
    void revoked() {
        assertRejected(tokens.revoked("alice"), ErrorCode.TOKEN_REVOKED);
    }

    @Test
    @DisplayName("a token whose payload gained an admin role fails with TOKEN_INVALID")
    void tamperedPayload() {
        String token = tokens.tamperedPayload("alice");
        assertThat(payload(token)).contains("\"admin\"");
        assertRejected(token, ErrorCode.TOKEN_INVALID);
    }

    @Test
    @DisplayName("a token with an altered signature fails with TOKEN_INVALID")
    void tamperedSignature() {
        assertRejected(tokens.tamperedSignature("alice"), ErrorCode.TOKEN_INVALID);
    }

    @Test
    @DisplayName("a token rewritten to alg none fails with TOKEN_INVALID")
    void unsigned() {
        String token = tokens.unsigned("alice");
        assertThat(token).endsWith(".");
        assertRejected(token, ErrorCode.TOKEN_INVALID);
    }

    @Test
    @DisplayName("a token signed by another instance's key fails with TOKEN_INVALID")
    void foreign() {
        String token = tokens.foreign("alice");
        assertThat(payload(token)).contains(kit.userId("alice"));
        assertRejected(token, ErrorCode.TOKEN_INVALID);
    }

    @Test
    @DisplayName("tampering refuses something that is not a compact JWS")
    void notAToken() {
        assertThatThrownBy(() -> TestTokens.tamperSignature("abc")).isInstanceOf(IllegalArgumentException.class);
    }
}
