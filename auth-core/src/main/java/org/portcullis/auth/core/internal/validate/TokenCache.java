package org.portcullis.auth.core.internal.validate;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;

import org.portcullis.auth.api.AuthPrincipal;
import org.portcullis.auth.core.internal.token.AccessTokens;

/**
 * Tokens this node has verified, so that a repeat validation skips the signature check. Keyed
 * by the SHA-256 of the token, not the token: the cache holds no bearer secret, and a lookup's
 * timing says nothing about a token's characters. Thread-safe.
 *
 * <p><b>Why a hit is for exactly the string that was verified</b>, although a lookup hashes the
 * string without first checking its characters (that scan cost as much as the hash on a long RS256
 * token). A token splits at its first dot into the header segment and the rest. The key is SHA-256
 * over the rest's ISO-8859-1 bytes (from that dot to the end), and the entry keeps the header
 * segment's bytes, which the string's ISO-8859-1 bytes before its first dot must equal byte for
 * byte. Only verified tokens are put, which are in the compact JWS alphabet ({@code A-Z a-z 0-9 -
 * _ .}, RFC 7515 §7.1), all ASCII: {@link Validator} refuses any other character before verifying.
 * Encoding maps each of those characters to its own byte, every other Latin-1 character to a byte
 * of 0x80 or above, and every character past Latin-1 to {@code '?'}: neither kind of byte occurs
 * in an admitted token. So a string whose rest has the bytes of an admitted token's rest consists
 * there of the same ASCII characters, and so does its header, the text before its first dot, for
 * the same reason; that header has the admitted header's length, so its first dot is at the same
 * place: it is that token. Two different strings then share an entry only through a SHA-256
 * collision; all 256 bits are compared on every hit. The header is left out of the hash because it
 * is the same for every token of a signing key (74 characters fewer to hash; it is public, so
 * comparing it is not a secret comparison), and each distinct header is stored once. Cheaper
 * schemes were weighed and refused: hashing only part of the rest (say the signature) lets a
 * changed payload hit; indexing by a fast hash and comparing the stored token keeps a bearer
 * secret in memory and costs its length per entry (692 bytes for our RS256 tokens, over the
 * 500-byte budget of issue #15); copying the characters with a truncating copy (no encoder) would
 * let a character past Latin-1 whose low byte is an alphabet character hit.
 *
 * <p><b>Why not Caffeine</b> (this used to be a Caffeine cache): a hit must write nothing that
 * another thread reads, or two threads validating at once slow each other down. A Caffeine read
 * records the access in a read buffer and, every few reads, drains it under a lock, reordering the
 * shared LRU lists and counting in the shared frequency sketch; it also read the clock through its
 * ticker. Here a hit is a volatile read of one bucket and a walk of its immutable chain: no store
 * to shared memory at all. Writes (a first sight, an issued token) take one lock; they cost a
 * signature check or a signing anyway, so the lock is never the bottleneck.
 *
 * <p><b>Bound</b>: at most {@code maxSize} entries. A put into a full table first drops the expired
 * entries of the buckets a clock hand passes, then, if none was expired, the oldest-placed entries
 * of the next non-empty bucket: an approximation of FIFO, no worse than random eviction, and a
 * caller cannot aim it (bucket indexes come from SHA-256). An expired entry may stay until a put
 * passes it; {@link #get} never answers with it.
 *
 * <p><b>Memory</b> (about 440 bytes an entry, {@code MemoryFootprint} in auth-bench): one
 * {@link Entry} per token (the four key words, the deadline and five references), the principal, its
 * strings and two {@link Instant}s ({@code nbf} shares {@code iat}'s instance when equal, as in
 * every token we issue). Role sets and header segments are shared between entries
 * ({@link #MAX_ROLE_SETS} distinct ones of each at most), and entries put one after the other with
 * the same key id share its string. The table is one reference per power-of-two slot at or above
 * {@code maxSize}.
 */
final class TokenCache {

    /** Distinct role sets shared between entries; past this many, an entry keeps its own copy. */
    static final int MAX_ROLE_SETS = 1_024;

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    /** One digest and its output buffer per thread: a lookup allocates nothing but the token's bytes. */
    private static final ThreadLocal<Hasher> HASHER = ThreadLocal.withInitial(Hasher::new);

    private static final class Hasher {
        final MessageDigest sha256;
        final byte[] out = new byte[32];

        Hasher() {
            try {
                sha256 = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every JDK has SHA-256", e);
            }
        }

        /**
         * The ISO-8859-1 bytes of {@code token} (see the class comment), or null when it holds a
         * surrogate pair: the encoder turns a pair into one '?', so byte and character indexes part,
         * and such a string is outside the alphabet, never admitted, and has no key. The caller
         * keeps them only as long as the call: they are a bearer token's text.
         */
        static byte[] latin1(String token) {
            byte[] bytes = token.getBytes(StandardCharsets.ISO_8859_1);
            return bytes.length == token.length() ? bytes : null;
        }

        /** SHA-256 of {@code bytes} from index {@code from} on, into {@link #out}. */
        byte[] digest(byte[] bytes, int from) {
            sha256.update(bytes, from, bytes.length - from);
            try {
                sha256.digest(out, 0, 32);
            } catch (DigestException e) {
                throw new IllegalStateException("a 32-byte buffer holds a SHA-256 digest", e);
            }
            return out;
        }
    }

    /**
     * A verified token: its 256-bit key, what it says, and when the cache stops answering for it.
     * Immutable, so a chain can be read without a lock while a writer builds its replacement.
     */
    static final class Entry {
        final long k0;
        final long k1;
        final long k2;
        final long k3;
        /** The ASCII bytes of the token's header segment, shared by the entries of tokens with the same header. */
        final byte[] header;
        final AuthPrincipal principal;
        final Instant notBefore;
        final String kid;
        /** exp plus the skew, in nanoseconds since the epoch (saturated). */
        final long deadlineNanos;
        final Entry next;

        Entry(long k0, long k1, long k2, long k3, byte[] header, AuthPrincipal principal, Instant notBefore, String kid,
              long deadlineNanos, Entry next) {
            this.k0 = k0;
            this.k1 = k1;
            this.k2 = k2;
            this.k3 = k3;
            this.header = header;
            this.principal = principal;
            this.notBefore = notBefore;
            this.kid = kid;
            this.deadlineNanos = deadlineNanos;
            this.next = next;
        }

        Entry withNext(Entry n) {
            return new Entry(k0, k1, k2, k3, header, principal, notBefore, kid, deadlineNanos, n);
        }

        boolean matches(long a, long b, long c, long d) {
            return k0 == a && k1 == b && k2 == c && k3 == d;
        }

        /** What a verification of this token said, for refresh. */
        AccessTokens.Verified verified() {
            return new AccessTokens.Verified(principal, notBefore, kid);
        }
    }

    private final AtomicReferenceArray<Entry> table;
    private final int mask;
    private final long maxSize;
    private final long skewNanos;
    private final Clock clock;
    private final Object writeLock = new Object();
    /** Entries in the table, expired ones included; written under {@link #writeLock}. */
    private long count;
    /** The clock hand of eviction; written under {@link #writeLock}. */
    private int hand;
    /** See {@link #shared}; written under {@link #writeLock}. */
    private String lastKid = "";
    private final ConcurrentHashMap<Set<String>, Set<String>> roleSets = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, byte[]> headers = new ConcurrentHashMap<>();

    TokenCache(long maxSize, Duration skew, Clock clock) {
        if (maxSize < 1) {
            throw new IllegalArgumentException("maxSize must be positive");
        }
        int slots = Integer.highestOneBit((int) Math.min(1 << 29, Math.max(2, maxSize) - 1)) << 1;
        this.table = new AtomicReferenceArray<>(slots);
        this.mask = slots - 1;
        this.maxSize = maxSize;
        this.skewNanos = skew.toNanos();
        this.clock = clock;
    }

    /**
     * The entry for exactly {@code token}, unless absent or past its expiry plus skew at {@code now}.
     * Writes nothing shared.
     */
    Entry get(String token, Instant now) {
        int dot = token.indexOf('.');
        if (dot < 0) {
            // Every admitted token has a header segment followed by a dot.
            return null;
        }
        byte[] bytes = Hasher.latin1(token);
        if (bytes == null) {
            return null;
        }
        byte[] d = HASHER.get().digest(bytes, dot);
        long a = (long) LONGS.get(d, 0);
        long b = (long) LONGS.get(d, 8);
        long c = (long) LONGS.get(d, 16);
        long e = (long) LONGS.get(d, 24);
        for (Entry x = table.get((int) a & mask); x != null; x = x.next) {
            if (x.matches(a, b, c, e)) {
                // The header is public (base64url of the JOSE header), so this comparison need not
                // be in constant time; the hashed part holds the claims and the signature. It runs
                // over the bytes just hashed (a vectorised comparison; String.startsWith compares
                // one character at a time), with the same encoding argument as the hashed part.
                boolean sameHeader = x.header.length == dot && Arrays.equals(bytes, 0, dot, x.header, 0, dot);
                return sameHeader && EpochNanos.of(now) < x.deadlineNanos ? x : null;
            }
        }
        return null;
    }

    /** Admits a token that {@link Validator} verified (so, in the compact JWS alphabet). */
    void put(String token, AccessTokens.Verified v) {
        int dot = token.indexOf('.');
        if (dot < 0) {
            throw new IllegalArgumentException("not a verified token");
        }
        byte[] bytes = Hasher.latin1(token);
        if (bytes == null) {
            throw new IllegalArgumentException("not a verified token");
        }
        byte[] d = HASHER.get().digest(bytes, dot);
        long a = (long) LONGS.get(d, 0);
        long b = (long) LONGS.get(d, 8);
        long c = (long) LONGS.get(d, 16);
        long e = (long) LONGS.get(d, 24);
        AuthPrincipal p = compact(v.principal());
        Instant nbf = v.notBefore().equals(p.issuedAt()) ? p.issuedAt() : v.notBefore();
        long deadline = EpochNanos.plus(EpochNanos.of(p.expiresAt()), skewNanos);
        long nowNanos = EpochNanos.of(clock.instant());
        if (nowNanos >= deadline) {
            return;
        }
        int i = (int) a & mask;
        synchronized (writeLock) {
            table.set(i, without(table.get(i), true, a, b, c, e, nowNanos));
            if (count >= maxSize) {
                evictOne(nowNanos);
            }
            table.set(i, new Entry(a, b, c, e, sharedHeader(token.substring(0, dot)), p, nbf, shared(v.kid()), deadline,
                    table.get(i)));
            count++;
        }
    }

    void remove(String token) {
        int dot = token.indexOf('.');
        if (dot < 0) {
            return;
        }
        byte[] bytes = Hasher.latin1(token);
        if (bytes == null) {
            return;
        }
        byte[] d = HASHER.get().digest(bytes, dot);
        long a = (long) LONGS.get(d, 0);
        long b = (long) LONGS.get(d, 8);
        long c = (long) LONGS.get(d, 16);
        long e = (long) LONGS.get(d, 24);
        int i = (int) a & mask;
        synchronized (writeLock) {
            table.set(i, without(table.get(i), true, a, b, c, e, Long.MIN_VALUE));
        }
    }

    void clear() {
        synchronized (writeLock) {
            for (int i = 0; i <= mask; i++) {
                table.set(i, null);
            }
            count = 0;
        }
    }

    /** Entries not yet expired; walks the table (for statistics, not for the hot path). */
    long size() {
        long now = EpochNanos.of(clock.instant());
        long n = 0;
        for (int i = 0; i <= mask; i++) {
            for (Entry x = table.get(i); x != null; x = x.next) {
                if (now < x.deadlineNanos) {
                    n++;
                }
            }
        }
        return n;
    }

    /**
     * Chain {@code head} without the entries expired at {@code nowNanos} and, if {@code dropKey},
     * without the entry keyed (a, b, c, d); the tail after the last dropped entry is shared, the
     * prefix rebuilt (entries are immutable). Lowers {@link #count}. Under {@link #writeLock}.
     */
    private Entry without(Entry head, boolean dropKey, long a, long b, long c, long d, long nowNanos) {
        Entry lastDropped = null;
        int kept = 0;
        for (Entry x = head; x != null; x = x.next) {
            if ((dropKey && x.matches(a, b, c, d)) || nowNanos >= x.deadlineNanos) {
                lastDropped = x;
            }
        }
        if (lastDropped == null) {
            return head;
        }
        Entry[] keep = new Entry[8];
        for (Entry x = head; x != lastDropped.next; x = x.next) {
            if ((dropKey && x.matches(a, b, c, d)) || nowNanos >= x.deadlineNanos) {
                count--;
            } else {
                if (kept == keep.length) {
                    keep = Arrays.copyOf(keep, kept * 2);
                }
                keep[kept++] = x;
            }
        }
        Entry rebuilt = lastDropped.next;
        for (int j = kept - 1; j >= 0; j--) {
            rebuilt = keep[j].withNext(rebuilt);
        }
        return rebuilt;
    }

    /**
     * Frees one place or more: the clock hand moves to the next non-empty bucket, whose expired
     * entries go; if none there had expired, its last entry (the earliest placed) goes. Under
     * {@link #writeLock}, with {@link #count} at least one, so a non-empty bucket exists.
     */
    private void evictOne(long nowNanos) {
        for (int step = 0; step <= mask; step++) {
            int i = hand;
            hand = (hand + 1) & mask;
            Entry head = table.get(i);
            if (head == null) {
                continue;
            }
            long before = count;
            Entry rest = without(head, false, 0, 0, 0, 0, nowNanos);
            if (count == before) {
                rest = dropLast(head);
                count--;
            }
            table.set(i, rest);
            return;
        }
    }

    private static Entry dropLast(Entry head) {
        if (head.next == null) {
            return null;
        }
        return head.withNext(dropLast(head.next));
    }

    /** The key id as the last entry put held it, when equal: tokens of one key share one string. Under {@link #writeLock}. */
    private String shared(String kid) {
        if (kid.equals(lastKid)) {
            return lastKid;
        }
        lastKid = kid;
        return kid;
    }

    /** One string per distinct header segment ({@link #MAX_ROLE_SETS} at most, as for role sets). */
    private byte[] sharedHeader(String header) {
        byte[] known = headers.get(header);
        if (known != null) {
            return known;
        }
        if (headers.size() >= MAX_ROLE_SETS) {
            return header.getBytes(StandardCharsets.US_ASCII);
        }
        return headers.computeIfAbsent(header, h -> h.getBytes(StandardCharsets.US_ASCII));
    }

    /** The principal with its role set shared between entries where the roles are equal. */
    private AuthPrincipal compact(AuthPrincipal p) {
        Set<String> shared = roleSets.get(p.roles());
        if (shared == null) {
            if (roleSets.size() >= MAX_ROLE_SETS) {
                return p;
            }
            shared = roleSets.computeIfAbsent(p.roles(), r -> r);
        }
        if (shared == p.roles()) {
            return p;
        }
        return new AuthPrincipal(p.userId(), p.username(), shared, p.sessionId(), p.tokenId(), p.issuedAt(),
                p.expiresAt(), p.claims());
    }
}
