package org.portcullis.auth.api;

import java.time.Instant;
import java.util.Objects;

/**
 * A link from an identity at an external provider to one local user: "subject {@code sub} at
 * provider {@code google} is local user {@code u-42}". The pair (provider, subject) names the
 * external identity; OpenID Connect Core §2 makes {@code sub} unique and stable only within one
 * issuer, so the subject alone never identifies anyone. A user may have several links (and a
 * password, or none).
 *
 * @param provider the configured provider's id (such as {@code google}), never blank
 * @param subject  the provider's {@code sub} claim, never blank, at most {@link #MAX_LENGTH} characters
 * @param userId   the local user it stands for
 * @param linkedAt when the link was made
 */
public record ExternalIdentity(String provider, String subject, String userId, Instant linkedAt) {

    /**
     * Longest provider id or subject kept. OpenID Connect Core §2 caps {@code sub} at 255 ASCII
     * characters; a longer one is refused before it reaches a store.
     */
    public static final int MAX_LENGTH = 255;

    public ExternalIdentity {
        requireName(provider, "provider");
        requireName(subject, "subject");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(linkedAt, "linkedAt");
    }

    private static void requireName(String value, String what) {
        Objects.requireNonNull(value, what);
        if (value.isBlank() || value.length() > MAX_LENGTH) {
            throw new IllegalArgumentException(what + " must be 1 to " + MAX_LENGTH + " characters and not blank");
        }
    }
}
