package org.portcullis.auth.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.portcullis.auth.core.LoginTest.catchAuth;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.portcullis.auth.api.AuditEvent;
import org.portcullis.auth.api.AuditEventType;
import org.portcullis.auth.api.AuthException;
import org.portcullis.auth.api.AuthService;
import org.portcullis.auth.api.Credential;
import org.portcullis.auth.api.CredentialVerifier;
import org.portcullis.auth.api.ErrorCode;
import org.portcullis.auth.api.Identity;
import org.portcullis.auth.api.PasswordCredential;
import org.portcullis.auth.api.RevocationReason;
import org.portcullis.auth.api.StoreUnavailableException;
import org.portcullis.auth.api.TokenPair;

/**
 * An application's own verifier, which knows nothing of the engine's UserStore: the engine must
 * still ask it whether an account is allowed in at every refresh.
 */
@DisplayName("a custom credential verifier")
class CustomVerifierTest {

    /** A directory of its own: user id → enabled. Passwords are plain here; this is not the point. */
    private static final class Directory implements CredentialVerifier {
        final Map<String, Boolean> enabled = new ConcurrentHashMap<>();
        /** Roles it knows now; a user without an entry has none to report (currentRoles is empty). */
        final Map<String, Set<String>> roles = new ConcurrentHashMap<>();
        final AtomicBoolean down = new AtomicBoolean();

        @Override
        public Identity verify(Credential credential) {
            if (credential instanceof PasswordCredential pc && "s3cret".equals(pc.password())
                    && enabled.getOrDefault("dir-" + pc.username(), false)) {
                return Identity.of("dir-" + pc.username(), pc.username(),
                        roles.getOrDefault("dir-" + pc.username(), Set.of("reader")));
            }
            throw AuthException.of(ErrorCode.INVALID_CREDENTIALS, "bad_password");
        }

        @Override
        public boolean isStillAllowed(String userId) {
            if (down.get()) {
                throw new StoreUnavailableException("directory is down");
            }
            return enabled.getOrDefault(userId, false);
        }

        @Override
        public Optional<Set<String>> currentRoles(String userId) {
            return Optional.ofNullable(roles.get(userId));
        }
    }

    private final Fixture f = new Fixture();
    private final Directory directory = new Directory();
    private final AuthService auth = Portcullis.builder().stores(f.stores).clock(f.clock).settings(f.settings)
            .credentialVerifier(directory).startCleanupJob(false).build();

    @AfterEach
    void close() {
        auth.close();
        f.close();
    }

    private TokenPair carolLogsIn() {
        directory.enabled.put("dir-carol", true);
        return auth.login(new PasswordCredential("carol", "s3cret"), Fixture.CLIENT);
    }

    @Test
    @DisplayName("an account it disables ends at its next refresh: TOKEN_REVOKED, session revoked, validation refused")
    void disabledAccountEndsAtNextRefresh() {
        TokenPair p = carolLogsIn();
        f.clock.advance(Duration.ofMinutes(5));
        TokenPair next = auth.refresh(p.accessToken(), p.refreshToken(), Fixture.CLIENT);

        directory.enabled.put("dir-carol", false);
        f.clock.advance(Duration.ofMinutes(5));
        AuthException refused = catchAuth(() -> auth.refresh(next.accessToken(), next.refreshToken(), Fixture.CLIENT));

        assertThat(refused.code()).isEqualTo(ErrorCode.TOKEN_REVOKED);
        assertThat(refused.reason()).isEqualTo("account_disabled");
        assertThat(f.stores.sessions().find(p.sessionId()).orElseThrow().revocationReason())
                .contains(RevocationReason.REVOKED_BY_ADMIN);
        assertThat(catchAuth(() -> auth.validate(next.accessToken())).code()).isEqualTo(ErrorCode.TOKEN_REVOKED);
        assertThat(f.events(AuditEventType.REFRESH_FAILED)).extracting(AuditEvent::reason).containsExactly("account_disabled");
    }

    @Test
    @DisplayName("an account it no longer knows ends at its next refresh too")
    void forgottenAccount() {
        TokenPair p = carolLogsIn();
        directory.enabled.remove("dir-carol");
        assertThat(catchAuth(() -> auth.refresh(p.accessToken(), p.refreshToken(), Fixture.CLIENT)).code())
                .isEqualTo(ErrorCode.TOKEN_REVOKED);
    }

    @Test
    @DisplayName("when it cannot tell, the refresh fails closed and the session is left to retry later")
    void failsClosed() {
        TokenPair p = carolLogsIn();
        directory.down.set(true);
        assertThatThrownBy(() -> auth.refresh(p.accessToken(), p.refreshToken(), Fixture.CLIENT))
                .isInstanceOf(StoreUnavailableException.class);
        assertThat(f.stores.sessions().find(p.sessionId()).orElseThrow().revokedAt()).isEmpty();
        directory.down.set(false);
        assertThat(auth.refresh(p.accessToken(), p.refreshToken(), Fixture.CLIENT).sessionId()).isEqualTo(p.sessionId());
    }

    @Test
    @DisplayName("the roles it reports now are the roles of the refreshed token (the default rolesAtRefresh)")
    void currentRolesReachTheRefreshedToken() {
        directory.roles.put("dir-carol", Set.of("reader"));
        TokenPair p = carolLogsIn();
        assertThat(auth.validate(p.accessToken()).roles()).containsExactly("reader");

        directory.roles.put("dir-carol", Set.of("editor"));
        TokenPair next = auth.refresh(p.accessToken(), p.refreshToken(), Fixture.CLIENT);

        assertThat(auth.validate(next.accessToken()).roles()).containsExactly("editor");
    }

    @Test
    @DisplayName("with no roles to report, the refreshed token keeps the roles the session started with")
    void noCurrentRolesKeepsTheSessions() {
        TokenPair p = carolLogsIn();

        TokenPair next = auth.refresh(p.accessToken(), p.refreshToken(), Fixture.CLIENT);

        assertThat(auth.validate(next.accessToken()).roles()).containsExactly("reader");
    }

    @Test
    @DisplayName("a replay within the grace window after it disabled the account gets no token pair")
    void graceReplayOfADisabledAccount() {
        TokenPair p = carolLogsIn();
        auth.refresh(p.accessToken(), p.refreshToken(), Fixture.CLIENT);

        directory.enabled.put("dir-carol", false);
        AuthException refused = catchAuth(() -> auth.refresh(p.accessToken(), p.refreshToken(), Fixture.CLIENT));

        assertThat(refused.code()).isEqualTo(ErrorCode.TOKEN_REVOKED);
        assertThat(refused.reason()).isEqualTo("account_disabled");
        assertThat(f.stores.sessions().find(p.sessionId()).orElseThrow().revokedAt()).isPresent();
    }
}
