package org.portcullis.auth.api;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What a {@link SessionStore} knows about a refresh-token hash.
 *
 * @param session   the session the token belongs (or belonged) to
 * @param state     whether the token is the session's current one, its immediate predecessor,
 *                  or an older one
 * @param rotatedAt when the token was rotated away; empty for {@link State#CURRENT}
 */
public record RefreshTokenMatch(Session session, State state, Optional<Instant> rotatedAt) {

    /** The standing of a refresh token within its session's lineage. */
    public enum State {
        /** The token the session expects next. */
        CURRENT,
        /** The token the current one replaced: a replay of it may be an honest retry (grace window). */
        PREVIOUS,
        /** A token rotated away before the previous one: presenting it is always reuse. */
        RETIRED
    }

    public RefreshTokenMatch {
        Objects.requireNonNull(session, "session");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(rotatedAt, "rotatedAt");
        if ((state == State.CURRENT) != rotatedAt.isEmpty()) {
            throw new IllegalArgumentException("rotatedAt is present exactly when the token is not current");
        }
    }
}
