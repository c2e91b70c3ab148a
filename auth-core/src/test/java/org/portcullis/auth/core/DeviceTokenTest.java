package org.portcullis.auth.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.portcullis.auth.core.LoginTest.catchAuth;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.portcullis.auth.api.AttemptState;
import org.portcullis.auth.api.AttemptStore;
import org.portcullis.auth.api.AuditEventType;
import org.portcullis.auth.api.AuthException;
import org.portcullis.auth.api.AuthService;
import org.portcullis.auth.api.ClientInfo;
import org.portcullis.auth.api.Credential;
import org.portcullis.auth.api.CredentialVerifier;
import org.portcullis.auth.api.ErrorCode;
import org.portcullis.auth.api.Identity;
import org.portcullis.auth.api.PasswordCredential;
import org.portcullis.auth.api.Stores;
import org.portcullis.auth.api.TokenPair;
import org.portcullis.auth.core.internal.login.PasswordCredentialVerifier;

/**
 * Device tokens, and what they buy: nobody can keep the owner out of their account from a device
 * they logged in with before (aspnetcore#6836), while unknown devices are capped at 100 consecutive
 * failures per account (NIST SP 800-63B §5.2.2). Spraying and stuffing are detected and slowed.
 * Every password check is counted: a throttled attempt computes no hash.
 */
@DisplayName("device tokens, the account cap, spraying and stuffing")
class DeviceTokenTest {

    private static final ClientInfo HOME = new ClientInfo("192.0.2.10", "owner-laptop");
    private static final ClientInfo ATTACKER = new ClientInfo("198.51.100.66", "curl");

    private final Fixture f = new Fixture();
    /** Every key the engine hands the attempt store. */
    private final List<String> keys = new CopyOnWriteArrayList<>();
    /** Password checks (each one Argon2 work: a real hash, or the dummy hash of an unknown user). */
    private final AtomicInteger hashes = new AtomicInteger();
    private final AuthService auth = Portcullis.builder()
            .stores(new Stores(f.stores.users(), f.stores.sessions(), recording(f.stores.attempts()),
                    f.stores.signingKeys(), f.stores.audit(), f.stores.transactions()))
            .clock(f.clock).settings(f.settings).startCleanupJob(false)
            .credentialVerifier(counting(new PasswordCredentialVerifier(f.stores.users(), Fixture.FAST,
                    f.stores.audit(), f.clock)))
            .build();

    @AfterEach
    void close() {
        auth.close();
        f.close();
    }

    private AttemptStore recording(AttemptStore real) {
        return new AttemptStore() {
            @Override
            public AttemptState recordFailure(String key, Instant now, Duration window) {
                keys.add(key);
                return real.recordFailure(key, now, window);
            }

            @Override
            public Optional<AttemptState> find(String key, Instant now) {
                keys.add(key);
                return real.find(key, now);
            }

            @Override
            public void reset(String key) {
                keys.add(key);
                real.reset(key);
            }

            @Override
            public int purge(Instant now, int limit) {
                return real.purge(now, limit);
            }
        };
    }

    private CredentialVerifier counting(CredentialVerifier real) {
        return new CredentialVerifier() {
            @Override
            public Identity verify(Credential c) {
                hashes.incrementAndGet();
                return real.verify(c);
            }

            @Override
            public boolean isStillAllowed(String userId) {
                return real.isStillAllowed(userId);
            }
        };
    }

    private TokenPair login(String user, String password, String device, ClientInfo from) {
        return auth.login(new PasswordCredential(user, password).withDeviceToken(device), from);
    }

    private ErrorCode attempt(String user, String password, String device, ClientInfo from) {
        try {
            login(user, password, device, from);
            return null;
        } catch (AuthException e) {
            return e.code();
        }
    }

    private static ClientInfo source(int i) {
        return new ClientInfo("10." + (i / 62_500) + "." + (i / 250 % 250) + "." + (i % 250), "bot");
    }

    @Test
    @DisplayName("a password login hands out an opaque 256-bit device token; the stores see only its hash")
    void issued() {
        f.addUser("alice", "wonderland");
        TokenPair pair = login("alice", "wonderland", null, HOME);
        String device = pair.deviceToken().orElseThrow();
        assertThat(device).matches("[A-Za-z0-9_-]{43}");
        assertThat(pair.toString()).doesNotContain(device);
        assertThat(keys).isNotEmpty().noneMatch(k -> k.contains(device));
        assertThat(f.audit.events()).noneMatch(e -> e.toString().contains(device));
    }

    @Test
    @DisplayName("a known device gets its own token back; a refresh carries none")
    void keptByKnownDevice() {
        f.addUser("alice", "wonderland");
        String device = login("alice", "wonderland", null, HOME).deviceToken().orElseThrow();
        TokenPair again = login("alice", "wonderland", device, HOME);
        assertThat(again.deviceToken()).contains(device);
        f.clock.advance(Duration.ofMinutes(1));
        assertThat(auth.refresh(again.accessToken(), again.refreshToken(), HOME).deviceToken()).isEmpty();
    }

    @Test
    @DisplayName("a client that never keeps its token gets at most 10 new device tokens a day: storage stays bounded, logins still succeed")
    void boundedIssuance() {
        f.addUser("alice", "wonderland");
        int issued = 0;
        for (int i = 0; i < 50; i++) {
            TokenPair pair = login("alice", "wonderland", null, HOME);
            assertThat(pair.sessionId()).isNotBlank();
            issued += pair.deviceToken().isPresent() ? 1 : 0;
        }
        assertThat(issued).isEqualTo(10);
        f.clock.advance(Duration.ofDays(1));
        assertThat(login("alice", "wonderland", null, HOME).deviceToken()).isPresent();
    }

    @Test
    @DisplayName("a device token is bound to its account: presented for another account it is unknown there")
    void boundToAccount() {
        f.addUser("alice", "wonderland");
        f.addUser("bob", "builder");
        String alices = login("alice", "wonderland", null, HOME).deviceToken().orElseThrow();
        for (int i = 0; i < 60; i++) {
            attempt("bob", "guess", null, source(i));
        }
        // Bob's account is under attack; Alice's device token does not make a device known to Bob's.
        assertThat(attempt("bob", "builder", alices, HOME)).isEqualTo(ErrorCode.THROTTLED);
    }

    @Test
    @DisplayName("a device token expires after 90 days by default: the device is unknown again and gets a new one")
    void expires() {
        f.addUser("alice", "wonderland");
        String device = login("alice", "wonderland", null, HOME).deviceToken().orElseThrow();
        f.clock.advance(Duration.ofDays(89));
        assertThat(login("alice", "wonderland", device, HOME).deviceToken()).contains(device);
        f.clock.advance(Duration.ofDays(2));
        String renewed = login("alice", "wonderland", device, HOME).deviceToken().orElseThrow();
        assertThat(renewed).isNotEqualTo(device);
    }

    @Test
    @DisplayName("garbage in the deviceToken member counts as no device token, never as an error")
    void garbage() {
        f.addUser("alice", "wonderland");
        for (String junk : List.of("x", "not base64url!", "\u0000", "a".repeat(5_000), "é")) {
            assertThat(login("alice", "wonderland", junk, HOME).deviceToken()).isPresent().get().isNotEqualTo(junk);
        }
    }

    @Test
    @DisplayName("an administrator resetting the password revokes the account's device tokens")
    void revokedByPasswordReset() {
        String id = f.addUser("alice", "wonderland");
        String device = login("alice", "wonderland", null, HOME).deviceToken().orElseThrow();
        f.clock.advance(Duration.ofSeconds(1));
        assertThat(auth.setPassword(id, "a-brand-new-password", HOME)).isTrue();
        f.clock.advance(Duration.ofSeconds(1));
        assertThat(login("alice", "a-brand-new-password", device, HOME).deviceToken()).isPresent().get()
                .isNotEqualTo(device);
    }

    @Test
    @DisplayName("the owner keeps logging in from a known device while a dozen addresses attack the account, one guess per Retry-After")
    void ownerNeverLockedOut() {
        f.addUser("alice", "wonderland");
        String device = login("alice", "wonderland", null, HOME).deviceToken().orElseThrow();
        int checked = 0;
        int throttled = 0;
        for (int round = 0; round < 400; round++) {
            ClientInfo from = new ClientInfo("203.0.113." + (round % 12), "attacker");
            try {
                login("alice", "guess-" + round, null, from);
            } catch (AuthException e) {
                if (e.code() == ErrorCode.THROTTLED) {
                    throttled++;
                    f.clock.advance(e.retryAfter().orElseThrow());
                } else {
                    checked++;
                }
            }
            // Every round the owner logs in, from their usual address and from a café.
            assertThat(attempt("alice", "wonderland", device, HOME)).as("round %d", round).isNull();
            assertThat(attempt("alice", "wonderland", device, new ClientInfo("192.0.2.200", "cafe"))).isNull();
        }
        assertThat(throttled).as("the attacker was slowed").isPositive();
    }

    @Test
    @DisplayName("a known device is throttled by its own failures on the account, and another known device is not")
    void knownDevicePerDevice() {
        f.addUser("alice", "wonderland");
        String laptop = login("alice", "wonderland", null, HOME).deviceToken().orElseThrow();
        String phone = login("alice", "wonderland", null, HOME).deviceToken().orElseThrow();
        for (int i = 0; i < 5; i++) {
            assertThat(attempt("alice", "typo", laptop, HOME)).isEqualTo(ErrorCode.INVALID_CREDENTIALS);
        }
        int before = hashes.get();
        assertThat(attempt("alice", "wonderland", laptop, HOME)).isEqualTo(ErrorCode.THROTTLED);
        assertThat(hashes.get()).isEqualTo(before);
        assertThat(attempt("alice", "wonderland", phone, HOME)).isNull();
    }

    @Test
    @DisplayName("after 100 consecutive failures unknown devices are refused without hashing; a known device's login opens the account again")
    void accountCapByDefault() {
        assertThat(f.settings.throttling().accountMaxFailures()).isEqualTo(100);
        f.addUser("alice", "wonderland");
        String device = login("alice", "wonderland", null, HOME).deviceToken().orElseThrow();
        int checked = 0;
        for (int i = 0; i < 300; i++) {
            if (attempt("alice", "guess", null, source(i)) == ErrorCode.INVALID_CREDENTIALS) {
                checked++;
            }
            f.clock.advance(Duration.ofMinutes(2));
        }
        assertThat(checked).isEqualTo(100);
        int before = hashes.get();
        AuthException refused = catchAuth(() -> login("alice", "wonderland", null, new ClientInfo("192.0.2.77", "new-phone")));
        assertThat(refused.code()).isEqualTo(ErrorCode.THROTTLED);
        assertThat(hashes.get()).isEqualTo(before);
        // The documented time-out: the rest of the 24-hour window from the first failure.
        assertThat(refused.retryAfter().orElseThrow()).isLessThanOrEqualTo(Duration.ofHours(24));
        assertThat(attempt("alice", "wonderland", device, HOME)).isNull();
        assertThat(attempt("alice", "wonderland", null, new ClientInfo("192.0.2.77", "new-phone"))).isNull();
    }

    @Test
    @DisplayName("password spraying (one source, one password, 1,000 usernames) is audited once and its source throttled after 20 checks")
    void spraying() {
        int checked = 0;
        for (int i = 0; i < 1_000; i++) {
            ErrorCode c = attempt("user" + i, "Summer2026!", null, ATTACKER);
            if (c == ErrorCode.INVALID_CREDENTIALS) {
                checked++;
            } else {
                assertThat(c).isEqualTo(ErrorCode.THROTTLED);
            }
        }
        assertThat(checked).isEqualTo(f.settings.throttling().ipFreeAttempts());
        assertThat(hashes.get()).isEqualTo(checked);
        assertThat(f.events(AuditEventType.CREDENTIAL_STUFFING_SUSPECTED)).singleElement()
                .satisfies(e -> assertThat(e.reason()).isEqualTo("pattern=spraying;distinct_usernames=10"))
                .satisfies(e -> assertThat(e.clientIp()).isEqualTo(ATTACKER.ip()));
    }

    @Test
    @DisplayName("credential stuffing (1,000 sources, 1,000 pairs) is audited once, and from then on each source is throttled at its second attempt, without hashing")
    void stuffing() {
        f.addUser("alice", "wonderland");
        String device = login("alice", "wonderland", null, HOME).deviceToken().orElseThrow();
        int secondChecked = 0;
        int secondThrottled = 0;
        for (int i = 0; i < 1_000; i++) {
            assertThat(attempt("victim" + i, "leaked-" + i, null, source(i))).isEqualTo(ErrorCode.INVALID_CREDENTIALS);
            // Each source comes straight back with its next pair.
            ErrorCode second = attempt("victim" + i + "-b", "leaked-b-" + i, null, source(i));
            if (second == ErrorCode.THROTTLED) {
                secondThrottled++;
            } else {
                assertThat(second).isEqualTo(ErrorCode.INVALID_CREDENTIALS);
                secondChecked++;
            }
            f.clock.advance(Duration.ofMillis(500));
        }
        assertThat(f.events(AuditEventType.CREDENTIAL_STUFFING_SUSPECTED)).singleElement()
                .satisfies(e -> assertThat(e.reason()).isEqualTo("pattern=stuffing;failures=500"));
        // Before the 500th failure everywhere a source had 20 free failures; from then on, one.
        assertThat(secondChecked).isEqualTo(250);
        assertThat(secondThrottled).isEqualTo(750);
        assertThat(hashes.get()).as("password checks: the owner's login, 1,000 first and 250 second attempts")
                .isEqualTo(1 + 1_000 + 250);
        // The owner on a known device is not part of the wave.
        assertThat(attempt("alice", "wonderland", device, HOME)).isNull();
    }
}
