package org.portcullis.auth.core.internal.oidc;

import java.util.Optional;

/**
 * The claims of an ID token that passed every check, as far as login uses them.
 *
 * @param subject       the provider's {@code sub}
 * @param email         the {@code email} claim, if any
 * @param emailVerified whether {@code email_verified} is true
 * @param replayKey     names this token for the single-use check ({@code iss}+{@code jti}, or a hash); never the token
 * @param issuedAt      the token's {@code iat}
 */
public record VerifiedIdToken(String subject, Optional<String> email, boolean emailVerified, String replayKey,
                              java.time.Instant issuedAt) {
}
