package org.portcullis.auth.core.internal.login;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
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
 * its source alone. A genuine token that is refused (expired, too old, nonce not sent or wrong,
 * already exchanged) counts against its source and the pair (subject, source) only: whoever saw it
 * once can send it again from anywhere. Subject counters live in a namespace of their own
 * ({@link Throttle#externalAttempt}), taken exactly (subjects are case-sensitive), which no
 * password username can reach.
 *
 * <p><b>Replay.</b> Each ID token is exchanged once: its {@code iss}+{@code jti} (or its SHA-256)
 * is remembered until it would be too old anyway, in a bounded cache per provider; and one external
 * identity gets at most {@link OpenIdProvider#subjectLoginLimit()} sessions per window.
 *
 * <p><b>Accounts.</b> A linked identity logs in as its user. An unlinked one is linked to the
 * local user whose username is the token's e-mail address when the provider allows it
 * ({@link OpenIdProvider#linkByVerifiedEmail()}) and the token says the address is verified, unless
 * that user already has a link from the same provider (no takeover through a reassigned address);
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
    /** Per provider id: replay key of each exchanged ID token → until when it stays spent. */
    private final Map<String, Cache<String, Instant>> spent;

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
        Map<String, Cache<String, Instant>> caches = new java.util.HashMap<>();
        Ticker ticker = () -> java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(clock.millis());
        verifiers.forEach((id, v) -> caches.put(id, Caffeine.newBuilder()
                .ticker(ticker)
                .maximumSize(v.provider().replayCacheSize())
                // iat may be up to one skew ahead of now: keep each entry for the longest a token stays acceptable.
                .expireAfterWrite(v.provider().maxAge().plus(v.provider().clockSkew().multipliedBy(2)))
                .<String, Instant>build()));
        this.spent = Map.copyOf(caches);
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
                // A genuine token refused (expired, too old, nonce not sent or wrong, not yet valid):
                // anyone who once saw it can send it again from anywhere, so it counts against its
                // source and the pair (subject, source), never the subject alone (NIST SP 800-63B §5.2.2).
                Throttle.Attempt subject = throttle.externalAttempt(provider, rejected.subject().orElseThrow(), client.ip());
                return throttle.serialised(subject.user(), () -> {
                    checkSubjectThrottle(subject, provider, rejected.subject(), client);
                    throttle.recordPairFailure(subject, clock.instant());
                    fail(provider, rejected.subject(), client, rejected.reason());
                    throw AuthException.of(ErrorCode.INVALID_CREDENTIALS, rejected.reason());
                });
            }
            throttle.recordSourceFailure(client.ip(), now);
            failUnattributed(provider, rejected.subject(), client, rejected.reason());
            throw AuthException.of(ErrorCode.INVALID_CREDENTIALS, rejected.reason());
        }
        OpenIdProvider config = verifier.provider();
        Throttle.Attempt key = throttle.externalAttempt(provider, token.subject(), client.ip());
        Optional<String> sub = Optional.of(token.subject());
        return throttle.serialised(key.user(), () -> {
            checkSubjectThrottle(key, provider, sub, client);
            if (!firstUse(config, token)) {
                // One ID token, one session (RFC 8725 §2.5 / OpenID Connect Core §16.9 on replay):
                // a second exchange is a replay by whoever holds a copy; it costs its source.
                throttle.recordPairFailure(key, clock.instant());
                fail(provider, sub, client, "replayed");
                throw AuthException.of(ErrorCode.INVALID_CREDENTIALS, "replayed");
            }
            UserRecord user = account(config, token, key, client)
                    .orElseThrow(() -> failure(key, provider, sub, client, "not_linked", ErrorCode.INVALID_CREDENTIALS));
            if (!user.enabled()) {
                throw failure(key, provider, sub, client, "account_disabled", ErrorCode.ACCOUNT_DISABLED);
            }
            Optional<Duration> tooMany = throttle.recordLogin(key, config.subjectLoginLimit(), config.subjectLoginWindow(),
                    clock.instant());
            if (tooMany.isPresent()) {
                throttled(provider, sub, client, tooMany.get());
            }
            throttle.recordSuccess(key);
            return new Outcome(Identity.of(user.id(), user.username(), user.roles()), describe(provider, sub));
        });
    }

    /**
     * Marks the token as exchanged; {@code false} when it already was. Remembered until the
     * verifier would refuse it as too old anyway ({@code iat} + max age + skew).
     */
    private boolean firstUse(OpenIdProvider provider, VerifiedIdToken token) {
        Instant now = clock.instant();
        Instant until = token.issuedAt().plus(provider.maxAge()).plus(provider.clockSkew());
        boolean[] first = {false};
        spent.get(provider.id()).asMap().compute(token.replayKey(), (k, old) -> {
            if (old != null && !old.isBefore(now)) {
                return old;
            }
            first[0] = true;
            return until;
        });
        return first[0];
    }

    private void checkSubjectThrottle(Throttle.Attempt key, String provider, Optional<String> subject, ClientInfo client) {
        Optional<Duration> wait = throttle.retryAfter(key, clock.instant());
        if (wait.isPresent()) {
            throttled(provider, subject, client, wait.get());
        }
    }

    private void throttled(String provider, Optional<String> subject, ClientInfo client, Duration wait) {
        // A throttled attempt does no work; its record is summarised per source and window too.
        audit.recordUnattributed(audit.event(AuditEventType.LOGIN_THROTTLED, client).failure()
                .username(label(provider, subject))
                .reason("retry_after_s=" + (wait.toMillis() + 999) / 1000 + ";" + describe(provider, subject)));
        throw AuthException.throttled(wait, "throttled");
    }

    private AuthException failure(Throttle.Attempt key, String provider, Optional<String> subject, ClientInfo client,
                                  String reason, ErrorCode code) {
        throttle.recordFailure(key, clock.instant());
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
    private Optional<UserRecord> account(OpenIdProvider provider, VerifiedIdToken token, Throttle.Attempt key,
                                         ClientInfo client) {
        Optional<ExternalIdentity> link = links.find(provider.id(), token.subject());
        if (link.isPresent()) {
            Optional<UserRecord> user = users.findById(link.get().userId());
            if (user.isPresent()) {
                return user;
            }
            // The user was deleted: the link stands for nobody now, and must not block a new one.
            // Conditional on that user, so a link a concurrent login made meanwhile stays.
            links.unlink(provider.id(), token.subject(), link.get().userId());
        }
        if (provider.linkByVerifiedEmail() && token.emailVerified() && token.email().isPresent()) {
            Optional<UserRecord> byEmail = users.findByUsername(token.email().get());
            if (byEmail.isPresent()) {
                if (links.findByUser(byEmail.get().id()).stream().anyMatch(l -> l.provider().equals(provider.id()))) {
                    // That user already signs in through this provider as another subject: an e-mail
                    // address moved to a new account at the provider must not take the old one over.
                    throw failure(key, provider.id(), Optional.of(token.subject()), client,
                            "email_user_linked_to_other_subject", ErrorCode.INVALID_CREDENTIALS);
                }
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
        // A verified address is the natural login name, but only from a provider trusted to vouch for
        // addresses (the same trust as linking by e-mail): else any provider could name a new user
        // after an address it never verified, and later e-mail linking would treat it as its owner.
        String username = provider.linkByVerifiedEmail() && token.emailVerified() && token.email().isPresent()
                && token.email().get().length() <= PasswordCredential.MAX_USERNAME_LENGTH ? token.email().get() : fallback;
        UserRecord user = new UserRecord(id, username, NO_PASSWORD, java.util.Set.of(), true);
        if (!users.create(user)) {
            // The address is some other account's username: the provider's own name for the subject is free.
            user = new UserRecord(id, fallback, NO_PASSWORD, java.util.Set.of(), true);
            if (!users.create(user)) {
                links.unlink(provider.id(), token.subject(), id);
                return Optional.empty();
            }
        }
        audit.record(audit.event(AuditEventType.EXTERNAL_IDENTITY_LINKED, client)
                .user(user.id(), user.username())
                .reason("user_created_just_in_time;" + describe(provider.id(), Optional.of(token.subject()))));
        return Optional.of(user);
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
