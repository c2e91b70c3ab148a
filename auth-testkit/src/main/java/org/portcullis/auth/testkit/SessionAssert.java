package org.portcullis.auth.testkit;

import java.time.Instant;

import org.assertj.core.api.AbstractAssert;
import org.portcullis.auth.api.RevocationReason;
import org.portcullis.auth.api.Session;

/** AssertJ assertions on a {@link Session}; from {@link PortcullisAssertions#assertThat(Session)}. */
public final class SessionAssert extends AbstractAssert<SessionAssert, Session> {

    SessionAssert(Session actual) {
        super(actual, SessionAssert.class);
    }

    /** The session is usable at {@code now}: not revoked and before both expiries. */
    public SessionAssert isActiveAt(Instant now) {
        isNotNull();
        if (!actual.isActiveAt(now)) {
            failWithMessage("Expected session <%s> to be active at <%s> but it was not (revoked at <%s>, expires at <%s>)",
                    actual.id(), now, actual.revokedAt().orElse(null), actual.expiresAt());
        }
        return this;
    }

    /** The session is not usable at {@code now}. */
    public SessionAssert isNotActiveAt(Instant now) {
        isNotNull();
        if (actual.isActiveAt(now)) {
            failWithMessage("Expected session <%s> to be over at <%s> but it was active", actual.id(), now);
        }
        return this;
    }

    /** The session was revoked, for any reason. */
    public SessionAssert isRevoked() {
        isNotNull();
        if (actual.revokedAt().isEmpty()) {
            failWithMessage("Expected session <%s> to be revoked but it was not", actual.id());
        }
        return this;
    }

    /** The session was revoked for {@code reason}. */
    public SessionAssert isRevokedFor(RevocationReason reason) {
        isRevoked();
        if (actual.revocationReason().orElseThrow() != reason) {
            failWithMessage("Expected session <%s> to be revoked for <%s> but it was for <%s>", actual.id(), reason,
                    actual.revocationReason().orElseThrow());
        }
        return this;
    }

    /** The session belongs to user {@code userId}. */
    public SessionAssert belongsTo(String userId) {
        isNotNull();
        if (!actual.userId().equals(userId)) {
            failWithMessage("Expected session of user <%s> but it belongs to <%s>", userId, actual.userId());
        }
        return this;
    }

    /** The refresh token has rotated exactly {@code count} times. */
    public SessionAssert hasRefreshCount(long count) {
        isNotNull();
        if (actual.refreshCount() != count) {
            failWithMessage("Expected <%s> refreshes but there were <%s>", count, actual.refreshCount());
        }
        return this;
    }
}
