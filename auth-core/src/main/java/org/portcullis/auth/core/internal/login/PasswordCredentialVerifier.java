package org.portcullis.auth.core.internal.login;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
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
import org.portcullis.auth.core.internal.Digests;
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
        String verifiedHash = user.passwordHash();
        if (hasher.needsRehash(verifiedHash)) {
            verifiedHash = rehash(user, pc.password());
        }
        return Identity.of(user.id(), user.username(), user.roles()).withCredentialVersion(version(verifiedHash));
    }

    /**
     * The user still exists, is enabled and has the password hash the login verified (compared as
     * digests, in constant time): a password reset, a disable or a delete that raced the login
     * ends it (see {@link CredentialVerifier#isStillCurrent}).
     */
    @Override
    public boolean isStillCurrent(Identity identity) {
        Optional<UserRecord> now = users.findById(identity.userId());
        if (now.isEmpty() || !now.get().enabled()) {
            return false;
        }
        if (identity.credentialVersion().isEmpty()) {
            return true; // an identity another path proved (an identity provider): no password to compare
        }
        return MessageDigest.isEqual(version(now.get().passwordHash()).getBytes(StandardCharsets.US_ASCII),
                identity.credentialVersion().getBytes(StandardCharsets.US_ASCII));
    }

    /** The user exists in the {@link UserStore} and is enabled; a store failure propagates (fail closed). */
    @Override
    public boolean isStillAllowed(String userId) {
        return users.findById(userId).map(UserRecord::enabled).orElse(false);
    }

    /** Both answers of a refresh from one read of the {@link UserStore}; a store failure propagates (fail closed). */
    @Override
    public Optional<Set<String>> rolesAtRefresh(String userId, Set<String> sessionRoles) {
        return users.findById(userId).filter(UserRecord::enabled).map(UserRecord::roles);
    }

    /** The roles the {@link UserStore} holds now; empty for a user it no longer knows. */
    @Override
    public Optional<Set<String>> currentRoles(String userId) {
        return users.findById(userId).map(UserRecord::roles);
    }

    /** @return the hash the user now has: the new one, or the old one when a concurrent change won */
    private String rehash(UserRecord user, String password) {
        String newHash = hasher.hash(password);
        if (users.updatePasswordHash(user.id(), user.passwordHash(), newHash)) {
            audit.record(AuditEvent.builder(AuditEventType.PASSWORD_REHASHED, clock.instant())
                    .user(user.id(), user.username()).reason(hasher.toString()).build());
            return newHash;
        }
        LOG.debug("rehash of user {} skipped: the hash changed meanwhile", user.id());
        return user.passwordHash();
    }

    /** A digest of the stored hash, so the identity never carries the hash itself. */
    private static String version(String passwordHash) {
        return Digests.sha256Base64Url(passwordHash);
    }
}
