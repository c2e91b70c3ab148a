package org.portcullis.auth.core.internal;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import org.portcullis.auth.api.AuditEventType;
import org.portcullis.auth.api.AuthPrincipal;
import org.portcullis.auth.api.AuthService;
import org.portcullis.auth.api.AuthSettings;
import org.portcullis.auth.api.ClientInfo;
import org.portcullis.auth.api.Credential;
import org.portcullis.auth.api.PublishedKeys;
import org.portcullis.auth.api.InvalidationFeed;
import org.portcullis.auth.api.RevocationReason;
import org.portcullis.auth.api.Session;
import org.portcullis.auth.api.SigningKey;
import org.portcullis.auth.api.TokenPair;
import org.portcullis.auth.api.text.LogText;
import org.portcullis.auth.core.internal.account.AccountOps;
import org.portcullis.auth.core.internal.login.LoginFlow;
import org.portcullis.auth.core.CleanupScheduler;
import org.portcullis.auth.core.internal.refresh.RefreshFlow;
import org.portcullis.auth.core.internal.session.SessionCleanup;
import org.portcullis.auth.core.internal.session.SessionOps;
import org.portcullis.auth.core.internal.session.SessionReads;
import org.portcullis.auth.core.internal.token.KeyRing;
import org.portcullis.auth.core.ValidationStats;
import org.portcullis.auth.core.internal.validate.Validator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link AuthService} the builder returns: a thin router over the flows, which the builder
 * wires and hands in. Thread-safe.
 */
public final class DefaultAuthService implements AuthService {

    private static final Logger LOG = LoggerFactory.getLogger(DefaultAuthService.class);

    private final AuthSettings settings;
    private final KeyRing keys;
    private final LoginFlow login;
    private final RefreshFlow refresh;
    private final Validator validator;
    private final SessionOps sessions;
    private final SessionCleanup cleanup;
    private final SessionReads health;
    private final AccountOps accounts;
    private final CleanupScheduler.Scheduled scheduled;
    private final Audit audit;
    private final InvalidationFeed.Subscription invalidations;

    /**
     * @param scheduler     runs the cleanup job every {@code settings.cleanup().interval()}; {@code null} for no job
     * @param invalidations the subscription to the stores' invalidation feed, closed by {@link #close()}
     */
    public DefaultAuthService(AuthSettings settings, KeyRing keys, LoginFlow login, RefreshFlow refresh,
                              Validator validator, SessionOps sessions, AccountOps accounts, SessionCleanup cleanup,
                              SessionReads health, Audit audit, CleanupScheduler scheduler,
                              InvalidationFeed.Subscription invalidations) {
        this.audit = audit;
        this.invalidations = Objects.requireNonNull(invalidations, "invalidations");
        this.settings = settings;
        this.keys = keys;
        this.login = login;
        this.refresh = refresh;
        this.validator = validator;
        this.sessions = sessions;
        this.cleanup = cleanup;
        this.health = health;
        this.accounts = accounts;
        this.scheduled = scheduler == null ? null
                : Objects.requireNonNull(scheduler.schedule(settings.cleanup().interval(), this::scheduledPurge),
                        "the cleanup scheduler returned no handle");
    }

    private void scheduledPurge() {
        try {
            // Publishes the next key on time even when no token is issued near the rotation.
            keys.rotateIfDue();
        } catch (RuntimeException ex) {
            LOG.warn("scheduled key rotation failed: {}", ex.toString());
        }
        try {
            int n = cleanup.purge();
            if (n > 0) {
                LOG.info("cleanup purged {} sessions", n);
            }
        } catch (RuntimeException ex) {
            // The job must survive a store outage; the next run tries again.
            LOG.warn("cleanup run failed: {}", ex.toString());
        }
    }

    @Override
    public TokenPair login(Credential credential, ClientInfo client) {
        return login.login(Objects.requireNonNull(credential, "credential"), orUnknown(client));
    }

    @Override
    public TokenPair refresh(String accessToken, String refreshToken, ClientInfo client) {
        return refresh.refresh(accessToken, refreshToken, orUnknown(client));
    }

    /** This node's validation statistics; see {@code Portcullis.validationStats}. */
    public ValidationStats validationStats() {
        return validator;
    }

    @Override
    public AuthPrincipal validate(String accessToken) {
        return validator.validate(accessToken);
    }

    @Override
    public void logout(AuthPrincipal caller, ClientInfo client) {
        sessions.logout(Objects.requireNonNull(caller, "caller"), orUnknown(client));
    }

    @Override
    public int logoutAll(AuthPrincipal caller, ClientInfo client) {
        return sessions.revokeAll(Objects.requireNonNull(caller, "caller"), orUnknown(client), false);
    }

    @Override
    public int logoutOthers(AuthPrincipal caller, ClientInfo client) {
        return sessions.revokeAll(Objects.requireNonNull(caller, "caller"), orUnknown(client), true);
    }

    @Override
    public void revokeSession(AuthPrincipal caller, String sessionId, ClientInfo client) {
        sessions.revokeOwn(Objects.requireNonNull(caller, "caller"), sessionId, orUnknown(client));
    }

    @Override
    public int revokeAllSessions(String userId, RevocationReason reason) {
        return sessions.revokeAllForUser(Objects.requireNonNull(userId, "userId"), Objects.requireNonNull(reason, "reason"));
    }

    @Override
    public boolean disableUser(String userId, ClientInfo actor) {
        return accounts.setEnabled(Objects.requireNonNull(userId, "userId"), false, orUnknown(actor));
    }

    @Override
    public boolean enableUser(String userId, ClientInfo actor) {
        return accounts.setEnabled(Objects.requireNonNull(userId, "userId"), true, orUnknown(actor));
    }

    @Override
    public void changePassword(AuthPrincipal caller, String currentPassword, String newPassword, ClientInfo client) {
        accounts.changePassword(Objects.requireNonNull(caller, "caller"), currentPassword, newPassword, orUnknown(client));
    }

    @Override
    public boolean setPassword(String userId, String newPassword, ClientInfo actor) {
        return accounts.setPassword(Objects.requireNonNull(userId, "userId"), newPassword, orUnknown(actor));
    }

    @Override
    public boolean setRoles(String userId, Set<String> roles, ClientInfo actor) {
        return accounts.setRoles(Objects.requireNonNull(userId, "userId"), Objects.requireNonNull(roles, "roles"),
                orUnknown(actor));
    }

    @Override
    public boolean deleteUser(String userId, ClientInfo actor) {
        return accounts.delete(Objects.requireNonNull(userId, "userId"), orUnknown(actor));
    }

    @Override
    public List<Session> sessions(String userId) {
        return sessions.list(Objects.requireNonNull(userId, "userId"));
    }

    @Override
    public int purgeExpired() {
        return cleanup.purge();
    }

    @Override
    public void checkHealth() {
        health.ping();
    }

    @Override
    public AuthSettings settings() {
        return settings;
    }

    @Override
    public String rotateSigningKey(Duration publishLead) {
        if (publishLead == null || publishLead.isNegative()) {
            throw new IllegalArgumentException("publishLead must be zero or positive: " + publishLead);
        }
        SigningKey key = keys.rotate(publishLead, verifyAfterRetire(settings));
        return key.kid();
    }

    /**
     * How long a retired key keeps verifying: an access-token lifetime plus the refresh idle timeout
     * plus the skew, so that neither a live token nor a refresh presenting an expired one is refused.
     */
    public static Duration verifyAfterRetire(AuthSettings s) {
        return s.accessTokenLifetime().plus(s.refreshIdleTimeout()).plus(s.clockSkew());
    }

    @Override
    public boolean revokeSigningKey(String kid, String actor) {
        Objects.requireNonNull(kid, "kid");
        Objects.requireNonNull(actor, "actor");
        boolean revoked = keys.revoke(kid);
        if (revoked) {
            // The token cache remembers the signing key of a token, not its encryption key: forget
            // every verified token, so that one encrypted under a revoked key is not answered from
            // the cache (the cache's guard against an overlapping verification comes with it).
            validator.signingKeysChanged();
            audit.record(audit.event(AuditEventType.KEY_REVOKED, ClientInfo.UNKNOWN)
                    .reason("kid=" + LogText.neutralise(kid) + ";by=" + LogText.neutralise(actor)));
            LOG.warn("signing key {} revoked by {}: its tokens are refused", LogText.neutralise(kid), LogText.neutralise(actor));
        }
        return revoked;
    }

    @Override
    public PublishedKeys publishedKeys() {
        return keys.published();
    }

    @Override
    public void close() {
        if (scheduled != null) {
            scheduled.cancel();
        }
        invalidations.close();
        try {
            cleanup.flush();
        } catch (RuntimeException ex) {
            // Closing must not fail because the audit store is gone; the counts are then lost.
            LOG.warn("pending audit summaries not written on close: {}", ex.toString());
        }
    }

    private static ClientInfo orUnknown(ClientInfo c) {
        return c == null ? ClientInfo.UNKNOWN : c;
    }
}
