package org.portcullis.auth.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.reflect.Field;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.openjdk.jol.info.GraphLayout;
import org.portcullis.auth.api.AuthSettings;
import org.portcullis.auth.api.ClientInfo;
import org.portcullis.auth.api.Session;
import org.portcullis.auth.api.SigningAlgorithm;
import org.portcullis.auth.api.Stores;
import org.portcullis.auth.core.internal.Digests;
import org.portcullis.auth.core.internal.token.AccessTokens;
import org.portcullis.auth.core.internal.token.KeyRing;
import org.portcullis.auth.core.internal.validate.SessionStatus;
import org.portcullis.auth.core.internal.validate.Validator;
import org.portcullis.auth.store.memory.InMemorySessionStore;
import org.portcullis.auth.store.memory.InMemoryStores;

/**
 * Bytes per session in the in-memory session store, and per entry in the engine's two caches (the
 * verified-token cache and the session-status view), counted two ways: JOL's walk of everything
 * reachable from the structure ({@link GraphLayout}, exact for this JVM's layout), and the
 * heap in use after a full GC before and after filling it (includes what a walk cannot see, such
 * as hash-table slack). Memory is not a timing, so this is a plain program, not a JMH benchmark:
 *
 * <pre>
 * java -Djdk.attach.allowAttachSelf=true -Djol.magicFieldOffset=true -Xmx6g \
 *     -cp auth-bench/target/benchmarks.jar org.portcullis.auth.bench.MemoryFootprint [sessions] [cacheEntries] [sessionsPerUser]
 * </pre>
 *
 * Sessions look like real ones: random 16-byte ids and 32-byte refresh-token hashes as the engine
 * makes them, {@code sessionsPerUser} sessions per user (default 2; user id, username and roles
 * shared, as the user store hands out the same strings), an IPv4 address and one of three
 * browser user agents (111 to 130 characters), each a fresh string with its own bytes, as an HTTP
 * request would give. Nothing is refreshed: a session's history of rotated-away
 * hashes (about 150 bytes per refresh, kept until purge for reuse detection) comes on top.
 */
public final class MemoryFootprint {

    private static final String USER_AGENT = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
            + "(KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
    private static final String[] USER_AGENTS = {USER_AGENT,
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
            + "Version/18.1 Mobile/15E148 Safari/604.1",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 "
            + "Safari/605.1.15"};
    private static int perUser = 2;

    private MemoryFootprint() {
    }

    public static void main(String[] args) throws Exception {
        int sessions = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int cacheEntries = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        perUser = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        System.out.printf("%d sessions per user%n", perUser);
        System.out.printf("JVM %s, max heap %d MiB%n", System.getProperty("java.vm.version"),
                Runtime.getRuntime().maxMemory() >> 20);
        sessionStore(Math.min(sessions, 100_000), true);
        sessionStore(sessions, false);
        caches(cacheEntries);
    }

    private static void sessionStore(int n, boolean walk) {
        Clock clock = Clock.systemUTC();
        Instant now = clock.instant();
        long before = usedAfterGc();
        InMemorySessionStore store = new InMemorySessionStore(clock, n, Duration.ofDays(1));
        fill(store, n, now);
        long after = usedAfterGc();
        System.out.printf("in-memory session store, %,d sessions: heap delta %.0f B/session%n", n,
                (after - before) / (double) n);
        if (walk) {
            GraphLayout layout = GraphLayout.parseInstance(store);
            System.out.printf("in-memory session store, %,d sessions: JOL %.0f B/session (%,d objects)%n", n,
                    layout.totalSize() / (double) n, layout.totalCount());
            System.out.println(top(layout.toFootprint(), 16));
        }
        if (store.size() != n) {
            throw new IllegalStateException("store holds " + store.size());
        }
    }

    private static void fill(InMemorySessionStore store, int n, Instant now) {
        String userId = null;
        String username = null;
        Set<String> roles = Set.of("user");
        for (int i = 0; i < n; i++) {
            if (i % perUser == 0) {
                userId = UUID.randomUUID().toString();
                username = "user" + i + "@example.org";
            }
            ClientInfo client = new ClientInfo("198.51." + (i >> 8 & 255) + "." + (i & 255),
                    new String(USER_AGENTS[i % USER_AGENTS.length].toCharArray()));
            // Each login at its own instant, as in the engine: three Instant objects per session.
            Instant at = now.plusNanos(i);
            Session s = Session.start(Digests.randomToken(16), userId, username, roles, at,
                    at.plus(Duration.ofDays(14)), at.plus(Duration.ofDays(30)), client);
            store.create(s, Digests.sha256Base64Url(Digests.randomToken(32)));
        }
    }

    private static void caches(int n) throws Exception {
        Clock clock = Clock.systemUTC();
        Instant now = clock.instant();
        Stores stores = InMemoryStores.create(clock);
        // Cache sizes at their defaults; HS256 only because it signs fastest (the entries do not
        // depend on the algorithm, the token strings are not kept).
        AuthSettings settings = AuthSettings.builder().signingAlgorithm(SigningAlgorithm.HS256).build();
        KeyRing keys = new KeyRing(stores.signingKeys(), clock, settings.keyReloadInterval(), SigningAlgorithm.HS256,
                k -> { });
        AccessTokens tokens = new AccessTokens(keys, settings, clock);
        SessionStatus status = new SessionStatus(stores.sessions(), settings.sessionStatusTtl(),
                Math.max(10_000, settings.tokenCacheSize()), clock);
        Validator validator = new Validator(tokens, keys, status, settings, clock);
        Object tokenCache = field(validator, "cache");
        Object statusCache = field(status, "cache");
        long emptyTokens = GraphLayout.parseInstance(tokenCache).totalSize();
        long emptyStatus = GraphLayout.parseInstance(statusCache).totalSize();
        List<String> issued = new ArrayList<>(n);
        String userId = null;
        for (int i = 0; i < n; i++) {
            if (i % perUser == 0) {
                userId = UUID.randomUUID().toString();
            }
            Session s = Session.start(Digests.randomToken(16), userId, "user" + (i / perUser) + "@example.org",
                    Set.of("user"), now, now.plus(Duration.ofDays(14)), now.plus(Duration.ofDays(30)),
                    new ClientInfo("198.51.100.7", new String(USER_AGENT.toCharArray())));
            stores.sessions().create(s, Digests.sha256Base64Url(Digests.randomToken(32)));
            AccessTokens.Issued t = tokens.issue(s, Map.of(), now);
            issued.add(t.token());
        }
        // What a node holds after validating each token once: an entry per token in both caches,
        // each built from the token itself (not shared with the session objects above).
        for (String t : issued) {
            validator.validate(t);
        }
        long cacheSize = validator.tokenCacheSize();
        GraphLayout tokenLayout = GraphLayout.parseInstance(tokenCache);
        GraphLayout statusLayout = GraphLayout.parseInstance(statusCache);
        System.out.printf("token cache, %,d entries: JOL %.0f B/entry%n", cacheSize,
                (tokenLayout.totalSize() - emptyTokens) / (double) cacheSize);
        System.out.println(top(tokenLayout.toFootprint(), 16));
        System.out.printf("session-status view, %,d entries: JOL %.0f B/entry (keys are the sessions' ids, counted here)%n",
                n, (statusLayout.totalSize() - emptyStatus) / (double) n);
        System.out.println(top(statusLayout.toFootprint(), 10));
        if (issued.size() != n) {
            throw new IllegalStateException();
        }
    }

    private static Object field(Object owner, String name) throws ReflectiveOperationException {
        Field f = owner.getClass().getDeclaredField(name);
        f.setAccessible(true);
        return f.get(owner);
    }

    /** The footprint's heaviest classes first (JOL sorts by name). */
    private static String top(String footprint, int lines) {
        List<String[]> rows = new ArrayList<>();
        for (String line : footprint.split("\n")) {
            String[] cols = line.trim().split("\\s+", 4);
            if (cols.length == 4 && cols[2].chars().allMatch(Character::isDigit)) {
                rows.add(cols);
            }
        }
        rows.sort((a, b) -> Long.compare(Long.parseLong(b[2]), Long.parseLong(a[2])));
        StringBuilder sb = new StringBuilder("    count      bytes  class\n");
        for (String[] r : rows.subList(0, Math.min(lines, rows.size()))) {
            sb.append(String.format("    %,9d %,10d  %s%n", Long.parseLong(r[0]), Long.parseLong(r[2]), r[3]));
        }
        return sb.toString();
    }

    private static long usedAfterGc() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return memory.getHeapMemoryUsage().getUsed();
    }
}
