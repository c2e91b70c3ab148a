package org.portcullis.auth.core.internal.login;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

import org.portcullis.auth.api.AttemptState;
import org.portcullis.auth.api.AttemptStore;
import org.portcullis.auth.api.AuthSettings;
import org.portcullis.auth.api.UserRecord;

/**
 * Failed-login throttling with a growing delay, counted per (username, IP) pair, per IP and per
 * username (OWASP ASVS V2.2.1: anti-automation; NIST SP 800-63B §5.2.2: rate limiting). Each
 * counter allows some free failures; past them an attempt under that counter must wait
 * {@code baseDelay × 2^(failures − free)} after the latest failure, capped at {@code maxDelay}.
 * The check comes before any password hashing, so a throttled attempt costs no Argon2 work.
 *
 * <p>Usernames are counted in normalised form whether or not they exist; addresses by
 * {@link SourceKeys} (one key per IPv4 address, per IPv6 /64). Thread-safe: all counts
 * live in the {@link AttemptStore}.
 *
 * <p>Checking, verifying and counting are three steps, so simultaneous attempts would all pass the
 * check before any of their failures is counted: 32 guesses sent at once got 32 password checks
 * where 5 were allowed. {@link #serialised} runs the steps of attempts on one username one at a
 * time on this node, so a burst is limited per node as a sequence would be (across N nodes sharing
 * the store, at most N attempts overlap). Attempts on different usernames do not wait for each
 * other, not even from one IP, so that many users behind one address are not queued behind each
 * other's hashing; the per-IP count can therefore be overrun by one burst as wide as the server's
 * request threads, once per delay.
 */
public final class Throttle {

    private static final int STRIPES = 256;

    private final AttemptStore store;
    private final AuthSettings.Throttling cfg;
    private final ReentrantLock[] stripes = new ReentrantLock[STRIPES];

    public Throttle(AttemptStore store, AuthSettings.Throttling cfg) {
        this.store = store;
        this.cfg = cfg;
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new ReentrantLock();
        }
    }

    /**
     * Runs one whole attempt (check, credential check, counting) while no other attempt on the
     * same normalised username runs on this node (OWASP ASVS V2.2.1; NIST SP 800-63B §5.2.2:
     * the limit must hold for simultaneous attempts too).
     */
    public <T> T serialised(String username, Supplier<T> attempt) {
        ReentrantLock lock = stripes[Math.floorMod(UserRecord.normalize(username).hashCode(), STRIPES)];
        lock.lock();
        try {
            return attempt.get();
        } finally {
            lock.unlock();
        }
    }

    /** What a failure led to. */
    public record Failure(boolean stuffingSuspected, int distinctUsernamesFromIp) {
    }

    /** How long this attempt must wait, if at all. */
    public Optional<Duration> retryAfter(String username, String ip, Instant now) {
        Duration worst = Duration.ZERO;
        for (Counter c : counters(username, ip)) {
            Optional<AttemptState> st = store.find(c.key, now);
            if (st.isPresent()) {
                Duration wait = waitFor(st.get(), c.free, now);
                if (wait.compareTo(worst) > 0) {
                    worst = wait;
                }
            }
        }
        if (cfg.accountMaxFailures() > 0) {
            Optional<AttemptState> acct = store.find(accountKey(username), now);
            if (acct.isPresent() && acct.get().failures() >= cfg.accountMaxFailures()) {
                // NIST SP 800-63B §5.2.2: no more than the cap of consecutive failures; wait out the window.
                Duration wait = Duration.between(now, acct.get().windowEnd());
                if (wait.compareTo(worst) > 0) {
                    worst = wait;
                }
            }
        }
        return worst.isZero() ? Optional.empty() : Optional.of(worst);
    }

    /** Counts a failed attempt under every counter; reports suspected credential stuffing. */
    public Failure recordFailure(String username, String ip, Instant now) {
        boolean newPairForIp = false;
        for (Counter c : counters(username, ip)) {
            AttemptState st = store.recordFailure(c.key, now, cfg.window());
            if (c.pair && st.failures() == 1) {
                newPairForIp = true;
            }
        }
        if (cfg.accountMaxFailures() > 0) {
            store.recordFailure(accountKey(username), now, cfg.accountWindow());
        }
        if (newPairForIp && !ip.isEmpty()) {
            // One more distinct username failed from this IP in the window.
            AttemptState distinct = store.recordFailure("ipusers:" + SourceKeys.of(ip), now, cfg.window());
            return new Failure(distinct.failures() == cfg.stuffingDistinctUsernames(), distinct.failures());
        }
        return new Failure(false, 0);
    }

    /**
     * Forgets the pair's failures (and the consecutive-failure count of the account cap, when on)
     * after a successful login. The per-IP and per-username counters stay: one good login must not
     * wipe out the evidence of an attack from the same place.
     */
    public void recordSuccess(String username, String ip) {
        if (!ip.isEmpty()) {
            store.reset(pairKey(UserRecord.normalize(username), SourceKeys.of(ip)));
        }
        if (cfg.accountMaxFailures() > 0) {
            // The cap counts consecutive failures: the owner getting in ends the run.
            store.reset(accountKey(username));
        }
    }

    /**
     * How long an attempt from this source must wait, judged by the per-source counter alone: for
     * attempts that name no trustworthy account yet, such as an ID token before its signature is
     * checked.
     */
    public Optional<Duration> sourceRetryAfter(String ip, Instant now) {
        if (ip.isEmpty()) {
            return Optional.empty();
        }
        Optional<AttemptState> st = store.find("ip:" + SourceKeys.of(ip), now);
        Duration wait = st.isPresent() ? waitFor(st.get(), cfg.ipFreeAttempts(), now) : Duration.ZERO;
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

    private static String accountKey(String username) {
        return "account:" + UserRecord.normalize(username);
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

    private record Counter(String key, int free, boolean pair) {
    }

    private List<Counter> counters(String username, String ip) {
        String user = UserRecord.normalize(username);
        List<Counter> list = new ArrayList<>(3);
        list.add(new Counter("user:" + user, cfg.userFreeAttempts(), false));
        if (!ip.isEmpty()) {
            String source = SourceKeys.of(ip);
            list.add(new Counter("ip:" + source, cfg.ipFreeAttempts(), false));
            list.add(new Counter(pairKey(user, source), cfg.pairFreeAttempts(), true));
        }
        return list;
    }

    private static String pairKey(String user, String ip) {
        return "pair:" + ip + "|" + user;
    }
}
