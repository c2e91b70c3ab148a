package org.portcullis.auth.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.portcullis.auth.core.LoginTest.catchAuth;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.portcullis.auth.api.AuditEventType;
import org.portcullis.auth.api.AuthException;
import org.portcullis.auth.api.AuthService;
import org.portcullis.auth.api.ClientInfo;
import org.portcullis.auth.api.Credential;
import org.portcullis.auth.api.CredentialVerifier;
import org.portcullis.auth.api.ErrorCode;
import org.portcullis.auth.api.Identity;
import org.portcullis.auth.api.PasswordCredential;
import org.portcullis.auth.core.internal.login.PasswordCredentialVerifier;

@DisplayName("throttling of failed logins")
class ThrottleTest {

    private static final ClientInfo ATTACKER = new ClientInfo("198.51.100.66", "curl");
    private static final ClientInfo ELSEWHERE = new ClientInfo("192.0.2.10", "phone");

    private final Fixture f = new Fixture();
    /** The real Argon2 verifier, counted: proves when no hash is computed. */
    private final AtomicInteger hashes = new AtomicInteger();
    private final AuthService auth = Portcullis.builder().stores(f.stores).clock(f.clock).settings(f.settings)
            .startCleanupJob(false)
            .credentialVerifier(counting(new PasswordCredentialVerifier(f.stores.users(), Fixture.FAST, f.stores.audit(), f.clock)))
            .build();

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

    @AfterEach
    void close() {
        auth.close();
        f.close();
    }

    private ErrorCode attempt(String user, String password, ClientInfo from) {
        try {
            auth.login(new PasswordCredential(user, password), from);
            return null;
        } catch (AuthException e) {
            return e.code();
        }
    }

    @Test
    @DisplayName("after 5 failures of one username from one IP the next attempt is THROTTLED for 1 s, without hashing")
    void pairThreshold() {
        f.addUser("alice", "wonderland");
        for (int i = 0; i < 5; i++) {
            assertThat(attempt("alice", "guess" + i, ATTACKER)).isEqualTo(ErrorCode.INVALID_CREDENTIALS);
        }
        int before = hashes.get();
        AuthException e = catchAuth(() -> auth.login(new PasswordCredential("alice", "wonderland"), ATTACKER));
        assertThat(e.code()).isEqualTo(ErrorCode.THROTTLED);
        assertThat(e.retryAfter()).contains(Duration.ofSeconds(1));
        assertThat(hashes.get()).isEqualTo(before);
        assertThat(f.events(AuditEventType.LOGIN_THROTTLED)).hasSize(1);
    }

    @Test
    @DisplayName("the delay doubles with each further failure and the attempt succeeds once it has passed")
    void growingDelay() {
        f.addUser("alice", "wonderland");
        for (int i = 0; i < 5; i++) {
            attempt("alice", "guess", ATTACKER);
        }
        f.clock.advance(Duration.ofSeconds(1));
        assertThat(attempt("alice", "guess", ATTACKER)).isEqualTo(ErrorCode.INVALID_CREDENTIALS);
        assertThat(catchAuth(() -> auth.login(new PasswordCredential("alice", "x"), ATTACKER)).retryAfter())
                .contains(Duration.ofSeconds(2));
        f.clock.advance(Duration.ofSeconds(2));
        assertThat(attempt("alice", "guess", ATTACKER)).isEqualTo(ErrorCode.INVALID_CREDENTIALS);
        assertThat(catchAuth(() -> auth.login(new PasswordCredential("alice", "x"), ATTACKER)).retryAfter())
                .contains(Duration.ofSeconds(4));
        f.clock.advance(Duration.ofSeconds(4));
        assertThat(attempt("alice", "wonderland", ATTACKER)).isNull();
    }

    @Test
    @DisplayName("a successful login resets the pair's counter")
    void resetOnSuccess() {
        f.addUser("alice", "wonderland");
        for (int i = 0; i < 4; i++) {
            attempt("alice", "guess", ATTACKER);
        }
        assertThat(attempt("alice", "wonderland", ATTACKER)).isNull();
        for (int i = 0; i < 4; i++) {
            assertThat(attempt("alice", "guess", ATTACKER)).isEqualTo(ErrorCode.INVALID_CREDENTIALS);
        }
        assertThat(attempt("alice", "wonderland", ATTACKER)).isNull();
    }

    @Test
    @DisplayName("the real user still logs in from elsewhere while an attacker is throttled on their account")
    void realUserElsewhere() {
        f.addUser("alice", "wonderland");
        for (int i = 0; i < 10; i++) {
            attempt("alice", "guess", ATTACKER);
        }
        assertThat(attempt("alice", "wonderland", ATTACKER)).isEqualTo(ErrorCode.THROTTLED);
        assertThat(attempt("alice", "wonderland", ELSEWHERE)).isNull();
    }

    @Test
    @DisplayName("unknown usernames are counted like known ones")
    void unknownUsers() {
        for (int i = 0; i < 5; i++) {
            assertThat(attempt("nobody", "guess", ATTACKER)).isEqualTo(ErrorCode.INVALID_CREDENTIALS);
        }
        assertThat(attempt("nobody", "guess", ATTACKER)).isEqualTo(ErrorCode.THROTTLED);
    }

    @Test
    @DisplayName("one IP failing across many usernames is throttled per IP and flagged as credential stuffing")
    void stuffing() {
        for (int i = 0; i < 20; i++) {
            assertThat(attempt("user" + i, "password1", ATTACKER)).isEqualTo(ErrorCode.INVALID_CREDENTIALS);
        }
        assertThat(f.events(AuditEventType.CREDENTIAL_STUFFING_SUSPECTED)).singleElement()
                .satisfies(e -> {
                    assertThat(e.clientIp()).isEqualTo(ATTACKER.ip());
                    assertThat(e.reason()).isEqualTo("pattern=spraying;distinct_usernames=10");
                });
        assertThat(attempt("user99", "password1", ATTACKER)).isEqualTo(ErrorCode.THROTTLED);
        assertThat(attempt("user99", "password1", ELSEWHERE)).isEqualTo(ErrorCode.INVALID_CREDENTIALS);
    }

    @Test
    @DisplayName("many IPs spraying one username slow unknown devices after 50 failures, but the owner gets in from a known device")
    void spraying() {
        f.addUser("alice", "wonderland");
        String device = auth.login(new PasswordCredential("alice", "wonderland"), ELSEWHERE).deviceToken().orElseThrow();
        for (int i = 0; i < 50; i++) {
            attempt("alice", "guess", new ClientInfo("10.0." + (i / 250) + "." + (i % 250), ""));
        }
        int before = hashes.get();
        // An unknown device, even from the owner's usual address, waits; no password hash is computed for it.
        assertThat(attempt("alice", "wonderland", ELSEWHERE)).isEqualTo(ErrorCode.THROTTLED);
        assertThat(hashes.get()).isEqualTo(before);
        // The owner's known device is judged only by its own failures: in at once, from anywhere.
        assertThat(auth.login(new PasswordCredential("alice", "wonderland").withDeviceToken(device), ELSEWHERE)
                .sessionId()).isNotBlank();
        assertThat(auth.login(new PasswordCredential("alice", "wonderland").withDeviceToken(device), ATTACKER)
                .sessionId()).isNotBlank();
    }

    @Test
    @DisplayName("counters start over when the window has passed")
    void window() {
        f.addUser("alice", "wonderland");
        for (int i = 0; i < 7; i++) {
            attempt("alice", "guess", ATTACKER);
            f.clock.advance(Duration.ofMillis(1));
        }
        assertThat(attempt("alice", "guess", ATTACKER)).isEqualTo(ErrorCode.THROTTLED);
        f.clock.advance(f.settings.throttling().window());
        assertThat(attempt("alice", "wonderland", ATTACKER)).isNull();
    }

    @Test
    @DisplayName("32 simultaneous wrong guesses on one account from one IP get no more password checks than the 5 free ones")
    void concurrentBurst() throws Exception {
        // A hash that takes a few milliseconds, so that the guesses overlap in time.
        PasswordHasher slow = PasswordHasher.withParameters(4096, 1, 1);
        f.stores.users().create(new org.portcullis.auth.api.UserRecord("u-carol", "carol", slow.hash("secret"),
                java.util.Set.of(), true));
        try (AuthService slowAuth = Portcullis.builder().stores(f.stores).clock(f.clock).settings(f.settings)
                .startCleanupJob(false)
                .credentialVerifier(counting(new PasswordCredentialVerifier(f.stores.users(), slow, f.stores.audit(), f.clock)))
                .build()) {
            int threads = 32;
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
            try {
                java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
                List<java.util.concurrent.Future<ErrorCode>> results = new java.util.ArrayList<>();
                for (int i = 0; i < threads; i++) {
                    int n = i;
                    results.add(pool.submit(() -> {
                        go.await();
                        try {
                            slowAuth.login(new PasswordCredential("carol", "guess" + n), ATTACKER);
                            return null;
                        } catch (AuthException e) {
                            return e.code();
                        }
                    }));
                }
                go.countDown();
                java.util.Map<ErrorCode, Integer> codes = new java.util.EnumMap<>(ErrorCode.class);
                for (var r : results) {
                    codes.merge(r.get(), 1, Integer::sum);
                }
                assertThat(hashes.get()).isEqualTo(f.settings.throttling().pairFreeAttempts());
                assertThat(codes).containsEntry(ErrorCode.INVALID_CREDENTIALS, 5).containsEntry(ErrorCode.THROTTLED, threads - 5);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    @DisplayName("addresses of one IPv6 /64 count as one source: rotating within it does not reset the per-IP count")
    void ipv6Prefix() {
        for (int i = 0; i < 20; i++) {
            assertThat(attempt("user" + i, "password1", new ClientInfo("2001:db8:1:2::" + Integer.toHexString(i + 1), "")))
                    .isEqualTo(ErrorCode.INVALID_CREDENTIALS);
        }
        assertThat(attempt("user99", "password1", new ClientInfo("2001:db8:1:2:ffff:ffff:ffff:fffe", "")))
                .isEqualTo(ErrorCode.THROTTLED);
        assertThat(attempt("user99", "password1", new ClientInfo("2001:db8:1:3::1", "")))
                .isEqualTo(ErrorCode.INVALID_CREDENTIALS);
    }

    @Test
    @DisplayName("one address in different spellings (IPv4-mapped, long IPv6 form, upper case) is one counter")
    void spellings() {
        f.addUser("alice", "wonderland");
        List<String> spellings = List.of("198.51.100.66", "::ffff:198.51.100.66", "::FFFF:c633:6442",
                "0:0:0:0:0:ffff:c633:6442", "198.51.100.66");
        for (String ip : spellings) {
            assertThat(attempt("alice", "guess", new ClientInfo(ip, ""))).as(ip).isEqualTo(ErrorCode.INVALID_CREDENTIALS);
        }
        assertThat(attempt("alice", "wonderland", ATTACKER)).isEqualTo(ErrorCode.THROTTLED);
    }

    @Test
    @DisplayName("every spelling that reaches an account counts on that account's counters")
    void usernameSpellings() {
        f.addUser("alice", "wonderland");
        for (String name : List.of("Alice", " ALICE ", "alice\t", "\u2003alice", "aLiCe")) {
            assertThat(attempt(name, "guess", ATTACKER)).as(name).isEqualTo(ErrorCode.INVALID_CREDENTIALS);
        }
        assertThat(attempt("alice", "wonderland", ATTACKER)).isEqualTo(ErrorCode.THROTTLED);
    }

    @Test
    @DisplayName("look-alike spellings (full-width, zero-width space, dotted I) are other names: even the right password fails")
    void lookAlikes() {
        f.addUser("alice", "wonderland");
        for (String name : List.of("\uFF41\uFF4C\uFF49\uFF43\uFF45", "alice\u200B", "AL\u0130CE", "a\u0301lice")) {
            assertThat(attempt(name, "wonderland", ELSEWHERE)).as(name).isEqualTo(ErrorCode.INVALID_CREDENTIALS);
        }
    }

    @org.junit.jupiter.api.Nested
    @DisplayName("with the NIST SP 800-63B §5.2.2 account cap switched on")
    class AccountCap {

        private final Fixture capped = new Fixture(b -> b.throttling(
                org.portcullis.auth.api.AuthSettings.Throttling.builder().accountMaxFailures(100).accountWindow(Duration.ofHours(24)).build()));

        @AfterEach
        void closeCapped() {
            capped.close();
        }

        private ErrorCode guess(String password, int source) {
            try {
                capped.login("alice", password, new ClientInfo("10.9." + (source / 250) + "." + (source % 250), ""));
                return null;
            } catch (AuthException e) {
                return e.code();
            }
        }

        @Test
        @DisplayName("a spraying attacker gets at most 100 password checks a day on one account, however many IPs")
        void atMostHundredADay() {
            capped.addUser("alice", "wonderland");
            int checked = 0;
            for (int i = 0; i < 2_000; i++) {
                if (guess("guess", i) == ErrorCode.INVALID_CREDENTIALS) {
                    checked++;
                }
                capped.clock.advance(Duration.ofSeconds(40));
            }
            // 2,000 guesses spread over 22 hours from 2,000 addresses.
            assertThat(checked).isEqualTo(100);
            assertThat(catchAuth(() -> capped.login("alice", "wonderland", ELSEWHERE)).code()).isEqualTo(ErrorCode.THROTTLED);
        }

        @Test
        @DisplayName("the cap counts consecutive failures: a successful login starts the count over")
        void consecutive() {
            capped.addUser("alice", "wonderland");
            for (int i = 0; i < 99; i++) {
                assertThat(guess("guess", i)).isEqualTo(ErrorCode.INVALID_CREDENTIALS);
                capped.clock.advance(Duration.ofMinutes(1));
            }
            assertThat(guess("wonderland", 500)).isNull();
            for (int i = 0; i < 99; i++) {
                assertThat(guess("guess", i)).isEqualTo(ErrorCode.INVALID_CREDENTIALS);
                capped.clock.advance(Duration.ofMinutes(1));
            }
            assertThat(guess("wonderland", 501)).isNull();
        }

        @Test
        @DisplayName("once the cap is reached the account opens again when its window closes")
        void windowCloses() {
            capped.addUser("alice", "wonderland");
            for (int i = 0; i < 100; i++) {
                guess("guess", i);
                capped.clock.advance(Duration.ofMinutes(1));
            }
            AuthException locked = catchAuth(() -> capped.login("alice", "wonderland", ELSEWHERE));
            assertThat(locked.code()).isEqualTo(ErrorCode.THROTTLED);
            capped.clock.advance(locked.retryAfter().orElseThrow());
            assertThat(guess("wonderland", 700)).isNull();
        }
    }
}
