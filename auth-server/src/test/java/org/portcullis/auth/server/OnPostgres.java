package org.portcullis.auth.server;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.Map;

/** The standalone server, in this JVM, on an embedded PostgreSQL: the settings and the start the PostgreSQL tests share. */
final class OnPostgres {

    private OnPostgres() {
    }

    /** A fresh random key-encryption key, as PORTCULLIS_KEK takes it. */
    static String randomKek() {
        byte[] kek = new byte[32];
        new SecureRandom().nextBytes(kek);
        return Base64.getEncoder().encodeToString(kek);
    }

    /** The test settings (loopback, free port, no demo user) pointed at {@code pg}. */
    static ServerConfig config(EmbeddedPostgres pg, Path dir) {
        return PortcullisServerEndToEndTest.testConfig(dir, Map.of(
                "PORTCULLIS_DB_URL", pg.getJdbcUrl("postgres", "postgres"), "PORTCULLIS_DB_USER", "postgres",
                "PORTCULLIS_KEK", randomKek()));
    }

    /** A server on {@code pg} with alice and bob seeded, printing nothing; the caller closes it. */
    static PortcullisServer start(EmbeddedPostgres pg, Path dir, Clock clock) {
        return PortcullisServerEndToEndTest.startWithTestUsers(config(pg, dir), clock, new PrintStream(OutputStream.nullOutputStream()));
    }
}
