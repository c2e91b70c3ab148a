package org.portcullis.auth.core.internal.login;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.portcullis.auth.api.AttemptState;
import org.portcullis.auth.api.AttemptStore;
import org.portcullis.auth.api.PasswordCredential;
import org.portcullis.auth.api.UserRecord;
import org.portcullis.auth.core.internal.Digests;

/**
 * Device tokens: the proof that a client has logged in to an account successfully before, so that
 * its login attempts are judged only by its own failures on that account and never by what others
 * did (the aspnetcore#6836 lesson; NIST SP 800-63B §5.2.2 allows exempting such devices from
 * account-wide rate limits; OWASP ASVS V2.2.1).
 *
 * <p>A device token is 256 random bits, handed to the client once at a successful password login.
 * The server keeps only a SHA-256 of the token bound to the normalised username, as the key of an
 * {@link AttemptStore} record whose window is the token's lifetime: the record exists exactly while
 * the token is valid, it expires by itself, the cleanup job purges it, every store (memory, JDBC,
 * the contract suite) already keeps it durably, and a token presented for another account finds
 * nothing. Revoking one token deletes its record; revoking every device of an account writes a
 * per-account marker whose instant makes every token registered before it unknown (the marker
 * lives for a token lifetime, after which those tokens have expired anyway).
 *
 * <p>Thread-safe: the state is in the store.
 */
final class KnownDevices {

    /** Device tokens carry 256 bits of randomness, like refresh tokens. */
    static final int DEVICE_TOKEN_BYTES = 32;
    /**
     * Most new device tokens per account and day. A client that never keeps its token (a script,
     * a private browser window) would otherwise add a record at every login for 90 days; past the
     * allowance a login still succeeds, only without a new device token.
     */
    static final int NEW_DEVICES_PER_DAY = 10;

    private final AttemptStore store;
    private final Duration lifetime;

    KnownDevices(AttemptStore store, Duration lifetime) {
        this.store = store;
        this.lifetime = lifetime;
    }

    /**
     * The counter key of the (device, account) pair if {@code deviceToken} is a live device token
     * of {@code username}; empty for an absent, malformed, unknown, expired, revoked or foreign one.
     * Costs store reads, never a password hash.
     */
    Optional<String> recognise(String username, Optional<String> deviceToken, Instant now) {
        if (deviceToken.isEmpty() || !wellFormed(deviceToken.get())) {
            return Optional.empty();
        }
        String user = UserRecord.normalize(username);
        String key = key(user, deviceToken.get());
        // The token's record and the account's revocation marker, in one read.
        Map<String, AttemptState> open = store.findAll(List.of(key, revokedKey(user)), now);
        AttemptState record = open.get(key);
        if (record == null) {
            return Optional.empty();
        }
        AttemptState revoked = open.get(revokedKey(user));
        if (revoked != null && !record.windowStart().isAfter(revoked.lastFailure())) {
            return Optional.empty();
        }
        return Optional.of(key);
    }

    /**
     * Registers a new device token for {@code username}, valid for the lifetime from {@code now};
     * empty once the account's {@link #NEW_DEVICES_PER_DAY} are used up.
     */
    Optional<String> issue(String username, Instant now) {
        String user = UserRecord.normalize(username);
        if (store.recordFailure("devices-issued:" + Digests.sha256Base64Url(user), now, Duration.ofDays(1)).failures()
                > NEW_DEVICES_PER_DAY) {
            return Optional.empty();
        }
        String token = Digests.randomToken(DEVICE_TOKEN_BYTES);
        store.recordFailure(key(user, token), now, lifetime);
        return Optional.of(token);
    }

    /** Makes one device token unknown. */
    void revoke(String username, String deviceToken) {
        if (wellFormed(deviceToken)) {
            store.reset(key(UserRecord.normalize(username), deviceToken));
        }
    }

    /** Makes every device token of {@code username} issued up to {@code now} unknown. */
    void revokeAll(String username, Instant now) {
        String marker = revokedKey(UserRecord.normalize(username));
        // A fresh window, so that the marker outlives every token it revokes.
        store.reset(marker);
        store.recordFailure(marker, now, lifetime);
    }

    private static String key(String user, String token) {
        // Hash of both: the store holds no token, and a token is bound to its account.
        return "device:" + Digests.sha256Base64Url(user + "\n" + token);
    }

    private static String revokedKey(String user) {
        return "devices-revoked:" + Digests.sha256Base64Url(user);
    }

    private static boolean wellFormed(String token) {
        if (token.isEmpty() || token.length() > PasswordCredential.MAX_DEVICE_TOKEN_LENGTH) {
            return false;
        }
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) {
                return false;
            }
        }
        return true;
    }
}
