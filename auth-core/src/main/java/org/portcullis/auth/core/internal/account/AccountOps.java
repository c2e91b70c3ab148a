package org.portcullis.auth.core.internal.account;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import org.portcullis.auth.api.AuditEventType;
import org.portcullis.auth.api.AuthException;
import org.portcullis.auth.api.AuthPrincipal;
import org.portcullis.auth.api.ClientInfo;
import org.portcullis.auth.api.ErrorCode;
import org.portcullis.auth.api.PasswordCredential;
import org.portcullis.auth.api.RevocationReason;
import org.portcullis.auth.api.ExternalIdentityStore;
import org.portcullis.auth.api.StoreTransactions;
import org.portcullis.auth.api.UserRecord;
import org.portcullis.auth.api.UserStore;
import org.portcullis.auth.core.PasswordHasher;
import org.portcullis.auth.core.internal.Audit;
import org.portcullis.auth.core.internal.login.Throttle;
import org.portcullis.auth.core.internal.session.SessionWrites;

/**
 * Changes to an account: disable, enable, password, roles, deletion. Each change is written to
 * the {@link UserStore} together with its audit event in one {@link StoreTransactions
 * transaction}; a change that must end sessions then revokes them through {@link SessionWrites},
 * so that the user's access tokens are refused at once on this node and within
 * {@code sessionStatusTtl} on the others (OWASP ASVS V3.3.1). The account is changed before its
 * sessions are revoked: a refresh that slips in between asks the verifier, which already says no.
 *
 * <p>Thread-safe: holds no state of its own.
 */
public final class AccountOps {

    /** Attempts of a compare-and-set password write before giving up to a concurrent writer. */
    private static final int PASSWORD_WRITE_TRIES = 3;

    private final UserStore users;
    private final PasswordHasher hasher;
    private final Throttle throttle;
    private final SessionWrites writes;
    private final StoreTransactions transactions;
    private final Audit audit;
    private final Clock clock;
    private final Optional<ExternalIdentityStore> links;

    public AccountOps(UserStore users, PasswordHasher hasher, Throttle throttle, SessionWrites writes,
                      StoreTransactions transactions, Audit audit, Clock clock) {
        this(users, hasher, throttle, writes, transactions, audit, clock, Optional.empty());
    }

    /** @param links the external-identity links, whose links of a deleted user go with it */
    public AccountOps(UserStore users, PasswordHasher hasher, Throttle throttle, SessionWrites writes,
                      StoreTransactions transactions, Audit audit, Clock clock, Optional<ExternalIdentityStore> links) {
        this.links = links;
        this.users = users;
        this.hasher = hasher;
        this.throttle = throttle;
        this.writes = writes;
        this.transactions = transactions;
        this.audit = audit;
        this.clock = clock;
    }

    public boolean setEnabled(String userId, boolean enabled, ClientInfo actor) {
        Optional<UserRecord> user = users.findById(userId);
        if (user.isEmpty()) {
            return false;
        }
        UserRecord u = user.get();
        boolean changed = transactions.inTransaction(() -> {
            boolean exists = users.setEnabled(userId, enabled);
            if (exists) {
                audit.record(audit.event(enabled ? AuditEventType.USER_ENABLED : AuditEventType.USER_DISABLED, actor)
                        .user(u.id(), u.username()).reason(enabled ? "enabled" : "disabled"));
            }
            return exists;
        });
        if (changed && !enabled) {
            throttle.forgetDevices(u.username(), clock.instant());
            revokeAll(u, RevocationReason.ACCOUNT_DISABLED, Optional.empty(), actor);
        }
        return changed;
    }

    public boolean setRoles(String userId, Set<String> roles, ClientInfo actor) {
        Set<String> copy = Set.copyOf(roles);
        Optional<UserRecord> user = users.findById(userId);
        if (user.isEmpty()) {
            return false;
        }
        UserRecord u = user.get();
        return transactions.inTransaction(() -> {
            boolean exists = users.setRoles(userId, copy);
            if (exists) {
                String listed = String.join(",", new TreeSet<>(copy));
                audit.record(audit.event(AuditEventType.ROLES_CHANGED, actor).user(u.id(), u.username())
                        .reason("roles=" + (listed.length() > 150 ? listed.substring(0, 150) + "…" : listed)));
            }
            return exists;
        });
    }

    public boolean delete(String userId, ClientInfo actor) {
        Optional<UserRecord> user = users.findById(userId);
        if (user.isEmpty()) {
            return false;
        }
        UserRecord u = user.get();
        // Sessions first, as AuthService#deleteUser promises: should the deletion then fail, the user
        // is still there with no session, never a deleted user with live sessions.
        revokeAll(u, RevocationReason.ACCOUNT_DISABLED, Optional.empty(), actor);
        boolean deleted = transactions.inTransaction(() -> {
            boolean existed = users.delete(userId);
            if (existed) {
                // Its external identities go with it, conditionally on this user: a link left behind
                // would stand for nobody, and a later user must not inherit it.
                links.ifPresent(l -> l.findByUser(userId)
                        .forEach(link -> l.unlink(link.provider(), link.subject(), userId)));
                audit.record(audit.event(AuditEventType.USER_DELETED, actor).user(u.id(), u.username()).reason("deleted"));
            }
            return existed;
        });
        if (deleted) {
            // A later account of the same name must not inherit this one's known devices.
            throttle.forgetDevices(u.username(), clock.instant());
        }
        return deleted;
    }

    /** An administrator sets the password; every session of the user ends. */
    public boolean setPassword(String userId, String newPassword, ClientInfo actor) {
        requireAcceptable(newPassword);
        String newHash = hasher.hash(newPassword);
        for (int i = 0; i < PASSWORD_WRITE_TRIES; i++) {
            Optional<UserRecord> user = users.findById(userId);
            if (user.isEmpty()) {
                return false;
            }
            if (writeHash(user.get(), newHash, actor, "by_admin")) {
                // An administrator resets a password when the account may be in other hands:
                // the devices that held it are no longer trusted either.
                throttle.forgetDevices(user.get().username(), clock.instant());
                revokeAll(user.get(), RevocationReason.PASSWORD_CHANGED, Optional.empty(), actor);
                return true;
            }
        }
        // Someone else kept changing the hash (a rehash on login, another administrator): say so.
        throw new IllegalStateException("the password of user " + userId + " changed meanwhile; nothing written");
    }

    /**
     * The caller changes their own password. The current password is checked under the same
     * throttle as a login (before any hashing, and counted when wrong), so a stolen access token
     * gives no faster way to guess it than the login endpoint (OWASP ASVS V2.2.1).
     */
    public void changePassword(AuthPrincipal caller, String currentPassword, String newPassword, ClientInfo client) {
        if (currentPassword == null || currentPassword.isEmpty()
                || currentPassword.length() > PasswordCredential.MAX_PASSWORD_LENGTH) {
            throw AuthException.of(ErrorCode.INVALID_CREDENTIALS, "input_rejected");
        }
        requireAcceptable(newPassword);
        String username = caller.username();
        UserRecord changed = throttle.serialised(username, () -> {
            Instant now = clock.instant();
            // Judged as an unknown device: a session is no device token, and a stolen access token
            // must not buy a faster way to guess the password than the login endpoint.
            Throttle.Attempt attempt = throttle.attempt(username, client.ip(), Optional.empty(), now);
            Optional<Duration> wait = throttle.retryAfter(attempt, now);
            if (wait.isPresent()) {
                audit.record(audit.event(AuditEventType.LOGIN_THROTTLED, client).failure()
                        .user(caller.userId(), username).session(caller.sessionId()).reason("password_change"));
                throw AuthException.throttled(wait.get(), "throttled");
            }
            Optional<UserRecord> found = users.findById(caller.userId());
            if (found.isEmpty() || !found.get().enabled()) {
                // The account went away or was disabled after this token was issued.
                throw AuthException.of(ErrorCode.TOKEN_REVOKED, "account_disabled");
            }
            UserRecord u = found.get();
            if (!hasher.verify(currentPassword, u.passwordHash())) {
                throttle.recordFailure(attempt, now);
                audit.record(audit.event(AuditEventType.PASSWORD_CHANGED, client).failure()
                        .user(u.id(), u.username()).session(caller.sessionId()).reason("bad_password"));
                throw AuthException.of(ErrorCode.INVALID_CREDENTIALS, "bad_password");
            }
            throttle.recordSuccess(attempt);
            if (!writeHash(u, hasher.hash(newPassword), client, "by_user")) {
                // Changed between our read and our write: the password just checked is no longer current.
                throw AuthException.of(ErrorCode.INVALID_CREDENTIALS, "changed_meanwhile");
            }
            return u;
        });
        // OWASP ASVS V3.3.3: the other sessions end; the one that made the change goes on.
        revokeAll(changed, RevocationReason.PASSWORD_CHANGED, Optional.of(caller.sessionId()), client);
    }

    private boolean writeHash(UserRecord u, String newHash, ClientInfo client, String how) {
        return transactions.inTransaction(() -> {
            boolean written = users.updatePasswordHash(u.id(), u.passwordHash(), newHash);
            if (written) {
                audit.record(audit.event(AuditEventType.PASSWORD_CHANGED, client).user(u.id(), u.username()).reason(how));
            }
            return written;
        });
    }

    private List<String> revokeAll(UserRecord u, RevocationReason reason, Optional<String> except, ClientInfo actor) {
        return writes.revokeAll(u.id(), reason, clock.instant(), except,
                revoked -> audit.event(AuditEventType.SESSIONS_REVOKED_ALL, actor).user(u.id(), u.username())
                        .reason(reason.name().toLowerCase(Locale.ROOT) + ";count=" + revoked.size()));
    }

    /** NIST SP 800-63B §5.1.1.2: at least 8 characters; the upper cap bounds the hashing work. */
    private static void requireAcceptable(String newPassword) {
        if (newPassword == null || newPassword.length() < PasswordCredential.MIN_NEW_PASSWORD_LENGTH
                || newPassword.length() > PasswordCredential.MAX_PASSWORD_LENGTH) {
            throw new IllegalArgumentException("a new password must be " + PasswordCredential.MIN_NEW_PASSWORD_LENGTH
                    + " to " + PasswordCredential.MAX_PASSWORD_LENGTH + " characters long");
        }
    }
}
