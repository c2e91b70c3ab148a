package org.portcullis.auth.core.internal.login;

import java.time.Clock;
import java.util.Optional;
import java.util.Set;

import org.portcullis.auth.api.AuditEvent;
import org.portcullis.auth.api.AuditEventType;
import org.portcullis.auth.api.AuditSink;
import org.portcullis.auth.api.AuthException;
import org.portcullis.auth.api.Credential;
import org.portcullis.auth.api.CredentialVerifier;
import org.portcullis.auth.api.ErrorCode;
import org.portcullis.auth.api.Identity;
import org.portcullis.auth.api.PasswordCredential;
import org.portcullis.auth.api.UserRecord;
import org.portcullis.auth.api.UserStore;
import org.portcullis.auth.core.PasswordHasher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default {@link CredentialVerifier}: Argon2id hashes from a {@link UserStore}.
 *
 * <p>An unknown username is checked against a dummy hash, so it costs what a wrong password
 * costs and ends in the same error (OWASP ASVS V2.2, account enumeration). A disabled account is
 * reported only after the password was right, for the same reason. A stored hash with weaker
 * parameters than the hasher's is replaced after a successful check (compare-and-set, so a
 * concurrent password change wins) and {@code PASSWORD_REHASHED} is audited. Thread-safe.
 */
public final class PasswordCredentialVerifier implements CredentialVerifier {

    private static final Logger LOG = LoggerFactory.getLogger(PasswordCredentialVerifier.class);

    private final UserStore users;
    private final PasswordHasher hasher;
    private final AuditSink audit;
    private final Clock clock;

    public PasswordCredentialVerifier(UserStore users, PasswordHasher hasher, AuditSink audit, Clock clock) {
        this.users = users;
        this.hasher = hasher;
        this.audit = audit;
        this.clock = clock;
    }

    @Override
    public Identity verify(Credential credential) {
        if (!(credential instanceof PasswordCredential pc)) {
            throw AuthException.of(ErrorCode.UNSUPPORTED_CREDENTIAL);
        }
        Optional<UserRecord> found = users.findByUsername(pc.username());
        if (found.isEmpty()) {
            hasher.verifyDummy(pc.password());
            throw AuthException.of(ErrorCode.INVALID_CREDENTIALS, "unknown_user");
        }
        UserRecord user = found.get();
        if (!hasher.verify(pc.password(), user.passwordHash())) {
            throw AuthException.of(ErrorCode.INVALID_CREDENTIALS, "bad_password");
        }
        if (!user.enabled()) {
            throw AuthException.of(ErrorCode.ACCOUNT_DISABLED, "account_disabled");
        }
        if (hasher.needsRehash(user.passwordHash())) {
            rehash(user, pc.password());
        }
        return Identity.of(user.id(), user.username(), user.roles());
    }

    /** The user exists in the {@link UserStore} and is enabled; a store failure propagates (fail closed). */
    @Override
    public boolean isStillAllowed(String userId) {
        return users.findById(userId).map(UserRecord::enabled).orElse(false);
    }

    /** The roles the {@link UserStore} holds now; empty for a user it no longer knows. */
    @Override
    public Optional<Set<String>> currentRoles(String userId) {
        return users.findById(userId).map(UserRecord::roles);
    }

    private void rehash(UserRecord user, String password) {
        String newHash = hasher.hash(password);
        if (users.updatePasswordHash(user.id(), user.passwordHash(), newHash)) {
            audit.record(AuditEvent.builder(AuditEventType.PASSWORD_REHASHED, clock.instant())
                    .user(user.id(), user.username()).reason(hasher.toString()).build());
        } else {
            LOG.debug("rehash of user {} skipped: the hash changed meanwhile", user.id());
        }
    }
}
