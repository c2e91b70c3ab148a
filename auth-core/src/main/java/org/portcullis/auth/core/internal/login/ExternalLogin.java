package org.portcullis.auth.core.internal.login;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import org.portcullis.auth.api.AuditEventType;
import org.portcullis.auth.api.AuthException;
import org.portcullis.auth.api.ClientInfo;
import org.portcullis.auth.api.ErrorCode;
import org.portcullis.auth.api.ExternalAssertion;
import org.portcullis.auth.api.ExternalIdentity;
import org.portcullis.auth.api.ExternalIdentityStore;
import org.portcullis.auth.api.Identity;
import org.portcullis.auth.api.PasswordCredential;
import org.portcullis.auth.api.UserRecord;
import org.portcullis.auth.api.UserStore;
import org.portcullis.auth.api.text.LogText;
import org.portcullis.auth.core.OpenIdProvider;
import org.portcullis.auth.core.internal.Audit;
import org.portcullis.auth.core.internal.Digests;
import org.portcullis.auth.core.internal.oidc.IdTokenRejected;
import org.portcullis.auth.core.internal.oidc.IdTokenVerifier;
import org.portcullis.auth.core.internal.oidc.VerifiedIdToken;

/**
 * Login with an OpenID provider's ID token: from an {@link ExternalAssertion} to the local
 * {@link Identity} it stands for, throttled, with every failure audited.
 *
 * <p><b>Throttling</b> (OWASP ASVS V2.2.1, NIST SP 800-63B §5.2.2) counts per source and per
 * external identity (provider, subject), never per provider: one provider's users must not lock
 * each other out. The source is checked before anything else. The subject is known only once the
 * provider's signature is checked, so the per-subject check comes after it, and only failures of
 * tokens the provider really issued to this application ({@link IdTokenRejected#authenticForUs()})
 * count against the subject; a forged token, or one minted for another client, counts against
 * its source alone.
 *
 * <p><b>Accounts.</b> A linked identity logs in as its user. An unlinked one is linked to the
 * local user whose username is the token's e-mail address when the provider allows it
 * ({@link OpenIdProvider#linkByVerifiedEmail()}) and the token says the address is verified;
 * else a user is created for it when the provider allows that ({@link OpenIdProvider#justInTimeUsers()});
 * else the login fails ({@code not_linked}). Disabled users are refused as with a password.
 * A user created here has no usable password ({@link #NO_PASSWORD} is not a PHC string, so no
 * password ever matches it).
 *
 * <p><b>Audit.</b> Events name the provider and the external subject, never the token. Failures
 * answer {@link ErrorCode#INVALID_CREDENTIALS} whatever the reason (the client cannot use the
 * difference, an attacker could), {@link ErrorCode#ACCOUNT_DISABLED} for a disabled user, and
 * {@link ErrorCode#STORE_UNAVAILABLE} when the provider's keys cannot be fetched.
 *
 * <p>Thread-safe.
 */
public final class ExternalLogin {

    /** The stored "hash" of a user created for an external identity: not a PHC string, so it matches no password. */
    public static final String NO_PASSWORD = "!external-identity";

    private final Map<String, IdTokenVerifier> verifiers;
    private final ExternalIdentityStore links;
    private final UserStore users;
    private final Throttle throttle;
    private final Audit audit;
    private final Clock clock;

    /**
     * @param verifiers one per configured provider, by provider id; may be empty
     * @param links     the links store; {@code null} only when {@code verifiers} is empty
     */
    public ExternalLogin(Map<String, IdTokenVerifier> verifiers, ExternalIdentityStore links, UserStore users,
                         Throttle throttle, Audit audit, Clock clock) {
        this.verifiers = Map.copyOf(verifiers);
        this.links = links;
        this.users = users;
        this.throttle = throttle;
        this.audit = audit;
        this.clock = clock;
    }

    /**
     * Who logged in, and the reason text of its {@code LOGIN_SUCCEEDED} event (provider and subject).
     *
     * @param identity    the local user
     * @param auditReason names the provider and the external subject
     */
    public record Outcome(Identity identity, String auditReason) {
    }

    /** The identity an ID token proves, or an {@link AuthException} after auditing why not. */
    public Outcome login(ExternalAssertion assertion, ClientInfo client) {
        String provider = clip(assertion.provider(), ExternalIdentity.MAX_LENGTH);
        Instant now = clock.instant();
        Optional<Duration> wait = throttle.sourceRetryAfter(client.ip(), now);
        if (wait.isPresent()) {
            throttled(provider, Optional.empty(), client, wait.get());
        }
        IdTokenVerifier verifier = verifiers.get(assertion.provider());
        if (verifier == null) {
            throttle.recordSourceFailure(client.ip(), now);
            failUnattributed(provider, Optional.empty(), client, "unknown_provider");
            throw AuthException.of(verifiers.isEmpty() ? ErrorCode.UNSUPPORTED_CREDENTIAL : ErrorCode.INVALID_CREDENTIALS,
                    "unknown_provider");
        }
        VerifiedIdToken token;
        try {
            token = verifier.verify(assertion.assertion(), assertion.nonce());
        } catch (IdTokenRejected rejected) {
            if (rejected.authenticForUs()) {
                String key = subjectKey(provider, rejected.subject().orElseThrow());
                // Issued to us for this subject: it may count against the subject.
                return throttle.serialised(key, () -> {
                    checkSubjectThrottle(key, provider, rejected.subject(), client);
                    throw failure(key, provider, rejected.subject(), client, rejected.reason(), ErrorCode.INVALID_CREDENTIALS);
                });
            }
            throttle.recordSourceFailure(client.ip(), now);
            failUnattributed(provider, rejected.subject(), client, rejected.reason());
            throw AuthException.of(ErrorCode.INVALID_CREDENTIALS, rejected.reason());
        }
        String key = subjectKey(provider, token.subject());
        return throttle.serialised(key, () -> {
            checkSubjectThrottle(key, provider, Optional.of(token.subject()), client);
            UserRecord user = account(verifier.provider(), token, client)
                    .orElseThrow(() -> failure(key, provider, Optional.of(token.subject()), client, "not_linked",
                            ErrorCode.INVALID_CREDENTIALS));
            if (!user.enabled()) {
                throw failure(key, provider, Optional.of(token.subject()), client, "account_disabled",
                        ErrorCode.ACCOUNT_DISABLED);
            }
            throttle.recordSuccess(subjectAttempt(key, client));
            return new Outcome(Identity.of(user.id(), user.username(), user.roles()),
                    describe(provider, Optional.of(token.subject())));
        });
    }

    private void checkSubjectThrottle(String key, String provider, Optional<String> subject, ClientInfo client) {
        Optional<Duration> wait = throttle.retryAfter(subjectAttempt(key, client), clock.instant());
        if (wait.isPresent()) {
            throttled(provider, subject, client, wait.get());
        }
    }

    /** An attempt on an external subject: never from a known device (device tokens are for passwords). */
    private Throttle.Attempt subjectAttempt(String key, ClientInfo client) {
        return throttle.attempt(key, client.ip(), Optional.empty(), clock.instant());
    }

    private void throttled(String provider, Optional<String> subject, ClientInfo client, Duration wait) {
        // A throttled attempt does no work; its record is summarised per source and window too.
        audit.recordUnattributed(audit.event(AuditEventType.LOGIN_THROTTLED, client).failure()
                .username(label(provider, subject))
                .reason("retry_after_s=" + (wait.toMillis() + 999) / 1000 + ";" + describe(provider, subject)));
        throw AuthException.throttled(wait, "throttled");
    }

    private AuthException failure(String key, String provider, Optional<String> subject, ClientInfo client,
                                  String reason, ErrorCode code) {
        throttle.recordFailure(subjectAttempt(key, client), clock.instant());
        fail(provider, subject, client, reason);
        return AuthException.of(code, reason);
    }

    /**
     * A token that is not ours to trust (garbage, another audience, an unknown provider): summarised
     * per source and window, so that such input cannot grow the audit trail without bound.
     */
    private void failUnattributed(String provider, Optional<String> subject, ClientInfo client, String reason) {
        audit.recordUnattributed(audit.event(AuditEventType.LOGIN_FAILED, client).failure()
                .username(label(provider, subject))
                .reason(reason + ";" + describe(provider, subject)));
    }

    private void fail(String provider, Optional<String> subject, ClientInfo client, String reason) {
        audit.record(audit.event(AuditEventType.LOGIN_FAILED, client).failure()
                .username(label(provider, subject))
                .reason(reason + ";" + describe(provider, subject)));
    }

    /** The local user of this external identity: linked already, linked now by e-mail, or created now. */
    private Optional<UserRecord> account(OpenIdProvider provider, VerifiedIdToken token, ClientInfo client) {
        Optional<ExternalIdentity> link = links.find(provider.id(), token.subject());
        if (link.isPresent()) {
            Optional<UserRecord> user = users.findById(link.get().userId());
            if (user.isPresent()) {
                return user;
            }
            // The user was deleted: the link stands for nobody now, and must not block a new one.
            links.unlink(provider.id(), token.subject());
        }
        if (provider.linkByVerifiedEmail() && token.emailVerified() && token.email().isPresent()) {
            Optional<UserRecord> byEmail = users.findByUsername(token.email().get());
            if (byEmail.isPresent()) {
                return linkTo(provider, token, byEmail.get(), client, "linked_by_verified_email");
            }
        }
        if (provider.justInTimeUsers()) {
            return createFor(provider, token, client);
        }
        return Optional.empty();
    }

    private Optional<UserRecord> linkTo(OpenIdProvider provider, VerifiedIdToken token, UserRecord user,
                                        ClientInfo client, String how) {
        if (!links.link(new ExternalIdentity(provider.id(), token.subject(), user.id(), clock.instant()))) {
            // A concurrent first login linked it meanwhile: whatever won is the answer.
            return links.find(provider.id(), token.subject()).flatMap(l -> users.findById(l.userId()));
        }
        audit.record(audit.event(AuditEventType.EXTERNAL_IDENTITY_LINKED, client)
                .user(user.id(), user.username())
                .reason(how + ";" + describe(provider.id(), Optional.of(token.subject()))));
        return Optional.of(user);
    }

    private Optional<UserRecord> createFor(OpenIdProvider provider, VerifiedIdToken token, ClientInfo client) {
        String id = Digests.randomToken(16);
        // The link is claimed first: of two concurrent first logins only one creates a user.
        if (!links.link(new ExternalIdentity(provider.id(), token.subject(), id, clock.instant()))) {
            return links.find(provider.id(), token.subject()).flatMap(l -> users.findById(l.userId()));
        }
        String fallback = provider.id() + ":" + token.subject();
        // A verified address is the natural login name, when it fits the length a password login allows.
        String username = token.emailVerified() && token.email().isPresent()
                && token.email().get().length() <= PasswordCredential.MAX_USERNAME_LENGTH ? token.email().get() : fallback;
        UserRecord user = new UserRecord(id, username, NO_PASSWORD, java.util.Set.of(), true);
        if (!users.create(user)) {
            // The address is some other account's username: the provider's own name for the subject is free.
            user = new UserRecord(id, fallback, NO_PASSWORD, java.util.Set.of(), true);
            if (!users.create(user)) {
                links.unlink(provider.id(), token.subject());
                return Optional.empty();
            }
        }
        audit.record(audit.event(AuditEventType.EXTERNAL_IDENTITY_LINKED, client)
                .user(user.id(), user.username())
                .reason("user_created_just_in_time;" + describe(provider.id(), Optional.of(token.subject()))));
        return Optional.of(user);
    }

    private static String subjectKey(String provider, String subject) {
        return "idp:" + provider + "|" + subject;
    }

    private static String label(String provider, Optional<String> subject) {
        String p = LogText.neutralise(provider);
        return subject.map(s -> p + ":" + LogText.neutralise(s)).orElse(p);
    }

    private static String describe(String provider, Optional<String> subject) {
        return "provider=" + LogText.neutralise(provider) + subject.map(s -> ";sub=" + LogText.neutralise(s)).orElse("");
    }

    private static String clip(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }
}
