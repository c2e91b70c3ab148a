package org.portcullis.auth.core.internal.login;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

import org.portcullis.auth.api.AttemptState;
import org.portcullis.auth.api.AttemptStore;
import org.portcullis.auth.api.AuthException;
import org.portcullis.auth.api.AuthSettings;
import org.portcullis.auth.api.UserRecord;
import org.portcullis.auth.core.internal.SourceKeys;

/**
 * Failed-login throttling with a growing delay (OWASP ASVS V2.2.1: anti-automation; NIST SP 800-63B
 * §5.2.2: rate limiting). Each counter allows some free failures; past them an attempt under that
 * counter must wait {@code baseDelay × 2^(failures − free)} after the latest failure, capped at
 * {@code maxDelay}. The check comes before any password hashing, so a throttled attempt costs no
 * Argon2 work.
 *
 * <p>Which counters judge an attempt depends on where it comes from:
 * <ul>
 *   <li>A <em>known device</em> (it presents a live device token of the account, see
 *       {@link KnownDevices}) is judged only by its own failures on that account, one counter per
 *       (device, account): whatever others do to the account, its owner keeps logging in
 *       (aspnetcore#6836).</li>
 *   <li>Any other attempt is counted per (username, source) pair, per source and per username, and
 *       against the account cap: after {@code accountMaxFailures} consecutive failures from unknown
 *       devices (100 by default, NIST SP 800-63B §5.2.2) unknown devices are refused for that account
 *       until its window closes or a known device logs in.</li>
 * </ul>
 * Two attack shapes are recognised besides: one source failing across many usernames (password
 * spraying, {@code stuffingDistinctUsernames} in a window) and failures from everywhere adding up to
 * {@code stuffingGlobalFailures} in a window (credential stuffing from many sources). Each is reported
 * once per window for the audit trail; while the second lasts, a source's first failure already
 * starts its delay.
 *
 * <p>Usernames are counted in normalised form whether or not they exist; sources by
 * {@link SourceKeys} (one key per IPv4 address, per IPv6 /64). Thread-safe: all counts live in the
 * {@link AttemptStore}.
 *
 * <p>Checking, verifying and counting are three steps, so simultaneous attempts would all pass the
 * check before any of their failures is counted: 32 guesses sent at once got 32 password checks
 * where 5 were allowed. {@link #serialised} runs the steps of attempts on one username one at a
 * time on this node, so a burst is limited per node as a sequence would be (across N nodes sharing
 * the store, at most N attempts overlap). An attempt waits at most {@link #SERIAL_WAIT} for its turn
 * and is then refused as throttled, so that a flood on one username never parks the server's worker
 * threads for long. Attempts on different usernames never wait for each other.
 */
public final class Throttle {

    /** The longest an attempt waits for the attempt before it on the same username (wall time). */
    public static final Duration SERIAL_WAIT = Duration.ofSeconds(1);

    private final AttemptStore store;
    private final AuthSettings.Throttling cfg;
    private final KnownDevices devices;
    /** One gate per username with an attempt in flight on this node; a gate leaves with its last user. */
    private final ConcurrentHashMap<String, Gate> gates = new ConcurrentHashMap<>();

    private static final class Gate {
        final ReentrantLock lock = new ReentrantLock();
        int holders;
    }

    public Throttle(AttemptStore store, AuthSettings.Throttling cfg) {
        this.store = store;
        this.cfg = cfg;
        this.devices = new KnownDevices(store, cfg.deviceTokenLifetime());
    }

    /**
     * One login attempt as the throttle sees it.
     *
     * @param user   the normalised username
     * @param source the source key of the client address, {@code ""} when unknown
     * @param device the (device, account) counter key when the client presented a live device token
     *               of this account
     */
    public record Attempt(String user, String source, Optional<String> device) {
        public boolean fromKnownDevice() {
            return device.isPresent();
        }
    }

    /** Works out who is attempting: reads the device record, computes no hash. */
    public Attempt attempt(String username, String ip, Optional<String> deviceToken, Instant now) {
        return new Attempt(UserRecord.normalize(username), ip.isEmpty() ? "" : SourceKeys.of(ip),
                devices.recognise(username, deviceToken, now));
    }

    /**
     * The attempt of an external identity (provider, subject). Its counters live in a namespace of
     * their own: the user part starts with upper-case {@code IDP:}, which no normalised (lower-cased)
     * username can spell, so no password login reaches them; the subject is kept exactly as the
     * provider said (OpenID Connect subjects are case-sensitive), and the provider id is
     * length-prefixed so that no (provider, subject) pair spells another. No device.
     */
    public Attempt externalAttempt(String provider, String subject, String ip) {
        return new Attempt("IDP:" + provider.length() + ":" + provider + "|" + subject,
                ip.isEmpty() ? "" : SourceKeys.of(ip), Optional.empty());
    }

    /**
     * Counts a failure of a genuine token under its source and the pair (subject, source) only,
     * never under the subject's own counters: an expired or replayed ID token is as easy to send
     * from anywhere as a forged one, and counting it against the subject would let anyone who once
     * saw a token lock its owner out (NIST SP 800-63B §5.2.2: limit the attacker, not the victim).
     */
    public void recordPairFailure(Attempt a, Instant now) {
        if (a.source.isEmpty()) {
            return;
        }
        store.recordFailure("ip:" + a.source, now, cfg.window());
        store.recordFailure(pairKey(a.user, a.source), now, cfg.window());
    }

    /**
     * Counts one successful login of {@code a}'s subject in {@code window}; how long it must wait
     * when it is above {@code limit} (the count restarts with the next window).
     */
    public Optional<Duration> recordLogin(Attempt a, int limit, Duration window, Instant now) {
        AttemptState st = store.recordFailure("logins:" + a.user, now, window);
        if (st.failures() <= limit) {
            return Optional.empty();
        }
        Duration wait = Duration.between(now, st.windowEnd());
        return Optional.of(wait.isNegative() || wait.isZero() ? Duration.ofSeconds(1) : wait);
    }

    /**
     * Runs one whole attempt (check, credential check, counting) while no other attempt on the
     * same normalised username runs on this node (OWASP ASVS V2.2.1; NIST SP 800-63B §5.2.2:
     * the limit must hold for simultaneous attempts too).
     *
     * @throws AuthException {@link org.portcullis.auth.api.ErrorCode#THROTTLED} (retry after one
     *         second, reason {@code busy}) when the turn does not come within {@link #SERIAL_WAIT}
     */
    public <T> T serialised(String username, Supplier<T> attempt) {
        String user = UserRecord.normalize(username);
        Gate gate = gates.compute(user, (k, g) -> {
            Gate held = g == null ? new Gate() : g;
            held.holders++;
            return held;
        });
        try {
            boolean turn;
            try {
                turn = gate.lock.tryLock(SERIAL_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                turn = false;
            }
            if (!turn) {
                throw AuthException.throttled(Duration.ofSeconds(1), "busy");
            }
            try {
                return attempt.get();
            } finally {
                gate.lock.unlock();
            }
        } finally {
            gates.computeIfPresent(user, (k, g) -> --g.holders == 0 ? null : g);
        }
    }

    /** How many usernames have an attempt in flight or waiting on this node (for tests). */
    int gatesInUse() {
        return gates.size();
    }

    /** What a failure led to: the attack shapes it revealed, each reported once per window. */
    public record Failure(boolean sprayingSuspected, int distinctUsernamesFromSource, boolean stuffingSuspected,
                          int failuresEverywhere) {
    }

    /**
     * What the store said about an attempt's counters when it was checked.
     *
     * @param retryAfter how long the attempt must wait, if at all
     * @param openKeys   the keys among the attempt's counters (the account cap's included) that had
     *                   an open window at that instant
     */
    public record Check(Optional<Duration> retryAfter, Set<String> openKeys) {
        public Check {
            openKeys = Set.copyOf(openKeys);
        }
    }

    /** How long this attempt must wait, if at all. */
    public Optional<Duration> retryAfter(Attempt a, Instant now) {
        return check(a, now).retryAfter();
    }

    /**
     * Checks an attempt against every counter that judges it, read from the store in one
     * {@link AttemptStore#findAll} call: the counters of {@link #counters}, the account cap's,
     * and, for an attempt with a source, the failures from everywhere that set the source's
     * allowance (OWASP ASVS V2.2.1; NIST SP 800-63B §5.2.2).
     */
    public Check check(Attempt a, Instant now) {
        List<Counter> counters = counters(a);
        List<String> keys = new ArrayList<>(counters.size() + 2);
        counters.forEach(c -> keys.add(c.key));
        if (cfg.accountMaxFailures() > 0) {
            // Read for a known device too: its success ends the account's run of failures (recordSuccess).
            keys.add(accountKey(a.user));
        }
        boolean sourced = counters.stream().anyMatch(c -> c.kind == Kind.SOURCE);
        if (sourced) {
            keys.add(GLOBAL_KEY);
        }
        Map<String, AttemptState> open = store.findAll(keys, now);
        int sourceFree = sourced ? sourceFreeAttempts(Optional.ofNullable(open.get(GLOBAL_KEY))) : 0;
        Duration worst = Duration.ZERO;
        for (Counter c : counters) {
            AttemptState st = open.get(c.key);
            if (st != null) {
                Duration wait = waitFor(st, c.kind == Kind.SOURCE ? sourceFree : c.free, now);
                if (wait.compareTo(worst) > 0) {
                    worst = wait;
                }
            }
        }
        if (!a.fromKnownDevice() && cfg.accountMaxFailures() > 0) {
            AttemptState acct = open.get(accountKey(a.user));
            if (acct != null && acct.failures() >= cfg.accountMaxFailures()) {
                // NIST SP 800-63B §5.2.2: no more than the cap of consecutive failures; wait out the window.
                Duration wait = Duration.between(now, acct.windowEnd());
                if (wait.compareTo(worst) > 0) {
                    worst = wait;
                }
            }
        }
        return new Check(worst.isZero() ? Optional.empty() : Optional.of(worst), open.keySet());
    }

    /** Counts a failed attempt under every counter that judges it; reports the attack shapes it completes. */
    public Failure recordFailure(Attempt a, Instant now) {
        if (a.fromKnownDevice()) {
            // A known device's failures are its own business: they neither feed nor trip the
            // account-wide counters, so nobody can use them against the owner either.
            store.recordFailure(a.device.get() + "|fails", now, cfg.window());
            return new Failure(false, 0, false, 0);
        }
        boolean newPairForSource = false;
        for (Counter c : counters(a)) {
            AttemptState st = store.recordFailure(c.key, now, cfg.window());
            if (c.kind == Kind.PAIR && st.failures() == 1) {
                newPairForSource = true;
            }
        }
        if (cfg.accountMaxFailures() > 0) {
            store.recordFailure(accountKey(a.user), now, cfg.accountWindow());
        }
        int everywhere = store.recordFailure(GLOBAL_KEY, now, cfg.window()).failures();
        boolean stuffing = everywhere == cfg.stuffingGlobalFailures();
        if (newPairForSource && !a.source.isEmpty()) {
            // One more distinct username failed from this source in the window.
            AttemptState distinct = store.recordFailure("ipusers:" + a.source, now, cfg.window());
            return new Failure(distinct.failures() == cfg.stuffingDistinctUsernames(), distinct.failures(),
                    stuffing, everywhere);
        }
        return new Failure(false, 0, stuffing, everywhere);
    }

    /**
     * After a successful login: forgets the pair's failures (the device's, for a known device) and
     * the consecutive-failure count of the account cap, with one {@link AttemptStore#resetAll}.
     * The per-source and per-username counters stay: one good login must not wipe out the
     * evidence of an attack from the same place.
     */
    public void recordSuccess(Attempt a) {
        store.resetAll(successKeys(a));
    }

    /**
     * {@link #recordSuccess(Attempt)} for an attempt checked by {@code check}, resetting only the
     * counters that were open then: a counter without an open window holds no failures, so
     * resetting it changes nothing, and most logins follow no failure at all and so write nothing
     * here. A failure counted between the check and this call (on another node; on this node only
     * outside {@link #serialised}, which password logins run in) is kept rather than wiped: the
     * shortcut can only leave more failures counted than a reset of every key would, never fewer.
     */
    public void recordSuccess(Attempt a, Check check) {
        List<String> keys = successKeys(a).stream().filter(check.openKeys()::contains).toList();
        if (!keys.isEmpty()) {
            store.resetAll(keys);
        }
    }

    private List<String> successKeys(Attempt a) {
        List<String> keys = new ArrayList<>(2);
        if (a.fromKnownDevice()) {
            keys.add(a.device.get() + "|fails");
        } else if (!a.source.isEmpty()) {
            keys.add(pairKey(a.user, a.source));
        }
        if (cfg.accountMaxFailures() > 0) {
            // The cap counts consecutive failures: the owner getting in ends the run.
            keys.add(accountKey(a.user));
        }
        return keys;
    }

    /** A new device token for a successful login that did not come from a known device. */
    public Optional<String> deviceTokenFor(Attempt a, Instant now) {
        return a.fromKnownDevice() ? Optional.empty() : devices.issue(a.user, now);
    }

    /** Makes every device token of the account issued so far unknown (the account was taken over, say). */
    public void forgetDevices(String username, Instant now) {
        devices.revokeAll(username, now);
    }

    private static final String GLOBAL_KEY = "global:failures";

    /**
     * How long an attempt from this source must wait, judged by the per-source counter alone: for
     * attempts that name no trustworthy account yet, such as an ID token before its signature is
     * checked.
     */
    public Optional<Duration> sourceRetryAfter(String ip, Instant now) {
        if (ip.isEmpty()) {
            return Optional.empty();
        }
        String key = "ip:" + SourceKeys.of(ip);
        Map<String, AttemptState> open = store.findAll(List.of(key, GLOBAL_KEY), now);
        AttemptState st = open.get(key);
        Duration wait = st != null ? waitFor(st, sourceFreeAttempts(Optional.ofNullable(open.get(GLOBAL_KEY))), now)
                : Duration.ZERO;
        return wait.isZero() ? Optional.empty() : Optional.of(wait);
    }

    /**
     * Counts a failure against its source only: a forged or misdirected ID token names whatever
     * subject its sender likes, so counting it against that subject would let anyone lock the
     * subject out (NIST SP 800-63B §5.2.2 asks to limit the attacker, not the victim).
     */
    public void recordSourceFailure(String ip, Instant now) {
        if (!ip.isEmpty()) {
            store.recordFailure("ip:" + SourceKeys.of(ip), now, cfg.window());
        }
    }

    private static String accountKey(String user) {
        return "account:" + user;
    }

    Duration waitFor(AttemptState st, int free, Instant now) {
        if (st.failures() < free) {
            return Duration.ZERO;
        }
        int excess = Math.min(st.failures() - free, 40);
        Duration delay = cfg.baseDelay().multipliedBy(1L << Math.min(excess, 30));
        if (delay.compareTo(cfg.maxDelay()) > 0 || excess >= 30) {
            delay = cfg.maxDelay();
        }
        Duration wait = Duration.between(now, st.lastFailure().plus(delay));
        return wait.isNegative() ? Duration.ZERO : wait;
    }

    /** What a counter counts; a source's free failures depend on the failures from everywhere. */
    private enum Kind { DEVICE, USER, SOURCE, PAIR }

    private record Counter(String key, Kind kind, int free) {
    }

    private List<Counter> counters(Attempt a) {
        if (a.fromKnownDevice()) {
            return List.of(new Counter(a.device.get() + "|fails", Kind.DEVICE, cfg.pairFreeAttempts()));
        }
        List<Counter> list = new ArrayList<>(3);
        list.add(new Counter("user:" + a.user, Kind.USER, cfg.userFreeAttempts()));
        if (!a.source.isEmpty()) {
            list.add(new Counter("ip:" + a.source, Kind.SOURCE, cfg.ipFreeAttempts()));
            list.add(new Counter(pairKey(a.user, a.source), Kind.PAIR, cfg.pairFreeAttempts()));
        }
        return list;
    }

    /**
     * While failures from everywhere ({@code everywhere}, the open window of the global counter)
     * are at the credential-stuffing level, a source gets no free failures beyond its first: each
     * source of the wave is slowed from its second attempt.
     */
    private int sourceFreeAttempts(Optional<AttemptState> everywhere) {
        return everywhere.isPresent() && everywhere.get().failures() >= cfg.stuffingGlobalFailures()
                ? 1 : cfg.ipFreeAttempts();
    }

    private static String pairKey(String user, String source) {
        return "pair:" + source + "|" + user;
    }
}
