package org.portcullis.auth.client;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.crypto.spec.SecretKeySpec;

import org.h2.jdbcx.JdbcDataSource;
import org.portcullis.auth.api.AuditEventType;
import org.portcullis.auth.api.AuditPage;
import org.portcullis.auth.api.AuditQuery;
import org.portcullis.auth.api.RevocationReason;
import org.portcullis.auth.server.PortcullisServer;
import org.portcullis.auth.server.ServerConfig;
import org.portcullis.auth.store.jdbc.JdbcDialect;
import org.portcullis.auth.store.jdbc.JdbcStores;

/**
 * The real standalone server ({@link PortcullisServer}) on a loopback port, with its default H2
 * file database under a test directory, the server's demo user as the test user, and a clock the
 * test moves. Configured the way an operator would: through the server's own environment keys.
 *
 * <p>The audit trail is read through a second {@link JdbcStores} on the same database file, which
 * is how the tests count the refreshes the server actually performed.
 */
final class TestServer implements AutoCloseable {

    static final String USER = "alice";
    static final String PASSWORD = "correct horse battery staple";
    /** {@code JwtSettings__ExpireMinutes=2}. */
    static final Duration ACCESS_TOKEN_LIFETIME = Duration.ofMinutes(2);
    /** The engine's defaults, which the standalone server keeps. */
    static final Duration GRACE_WINDOW = Duration.ofSeconds(5);
    static final Duration IDLE_TIMEOUT = Duration.ofDays(7);

    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    private final ServerConfig config;
    private final Clock clock;
    private final PortcullisServer server;
    private final JdbcStores reader;

    private TestServer(ServerConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
        // No cleanup job: the tests decide when time passes, and want expired sessions to stay findable.
        this.server = PortcullisServer.start(config, clock, QUIET, false);
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL(config.dbUrl());
        ds.setUser(config.dbUser());
        ds.setPassword(config.dbPassword());
        // This second view only reads the audit trail and users; its key-encryption key is never used.
        this.reader = JdbcStores.builder(ds, new SecretKeySpec(new byte[32], "AES")).dialect(JdbcDialect.H2).build();
    }

    /** A new server with its files under {@code workDir}, on a free loopback port. */
    static TestServer start(Path workDir, Clock clock) {
        try {
            Files.createDirectories(workDir.resolve("data"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ServerConfig config = ServerConfig.load(Map.of(
                "PORTCULLIS_HOST", "127.0.0.1",
                "PORTCULLIS_PORT", "0",
                "PORTCULLIS_DEMO_USER", USER,
                "PORTCULLIS_DEMO_PASSWORD", PASSWORD,
                "PORTCULLIS_THREADS", "8",
                "JwtSettings__ExpireMinutes", Long.toString(ACCESS_TOKEN_LIFETIME.toMinutes())), workDir);
        return new TestServer(config, clock);
    }

    /** Stops this instance (if running) and starts a new one on the same port and database file. */
    TestServer restart() {
        int port = server.port();
        close();
        return new TestServer(config.withPort(port), clock);
    }

    /** Another node on the same database file (a second server process sharing it), on a free port. */
    TestServer secondNode() {
        return new TestServer(config.withPort(0), clock);
    }

    URI baseUri() {
        return URI.create(server.uri() + "/");
    }

    /** How many events of this type the server has audited, over its whole database. */
    long audited(AuditEventType type) {
        long count = 0;
        AuditQuery query = AuditQuery.all().ofTypes(Set.of(type)).limit(AuditQuery.MAX_LIMIT);
        while (true) {
            AuditPage page = reader.auditLog().query(query);
            count += page.events().size();
            Optional<String> next = page.nextCursor();
            if (next.isEmpty()) {
                return count;
            }
            query = query.after(next.get());
        }
    }

    /** Revokes every session of the user on the server side, as an administrator would. */
    void revokeAllSessionsOf(String username) {
        String userId = reader.stores().users().findByUsername(username).orElseThrow().id();
        server.service().revokeAllSessions(userId, RevocationReason.REVOKED_BY_ADMIN);
    }

    @Override
    public void close() {
        server.close();
    }
}
