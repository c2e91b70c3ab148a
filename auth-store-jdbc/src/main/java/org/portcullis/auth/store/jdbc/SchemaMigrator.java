package org.portcullis.auth.store.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

import org.jdbi.v3.core.Handle;

/**
 * Brings the schema to {@link #CURRENT_VERSION}: creates what is missing and records the version
 * in {@code portcullis_schema_version}. Idempotent, and safe when several nodes start at once:
 * on PostgreSQL a transaction-scoped advisory lock serialises them. H2 has no such lock and
 * commits at every DDL statement, so two migrations of one H2 database could interleave (one
 * dropping an index or column the other was working on); there the migrations of one process
 * take turns on a lock of this class, which covers every way of sharing an embedded H2 file (only
 * its own process can open it). Several processes on one H2 server ({@code AUTO_SERVER} or TCP)
 * should run {@code migrate} from one of them first.
 */
final class SchemaMigrator {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SchemaMigrator.class);

    /** The schema version this library reads and writes. */
    static final int CURRENT_VERSION = 3;

    /** H2: the migrations of this process, one at a time (see the class comment). */
    private static final ReentrantLock H2_MIGRATIONS = new ReentrantLock();

    /** Arbitrary constant naming Portcullis' migration lock among an application's advisory locks. */
    private static final long PG_LOCK_KEY = 0x506f727463756c6cL; // "Portcull"

    private final Db db;

    SchemaMigrator(Db db) {
        this.db = db;
    }

    /** @return the schema version after migrating */
    int migrate() {
        if (db.dialect() != JdbcDialect.POSTGRESQL) {
            H2_MIGRATIONS.lock();
            try {
                return migrateOnce();
            } finally {
                H2_MIGRATIONS.unlock();
            }
        }
        return migrateOnce();
    }

    private int migrateOnce() {
        return db.inTransaction("schema.migrate", h -> {
            if (db.dialect() == JdbcDialect.POSTGRESQL) {
                h.createQuery("SELECT 1 FROM (SELECT pg_advisory_xact_lock(:key)) AS locked").bind("key", PG_LOCK_KEY)
                        .mapTo(Integer.class).one();
            }
            int found = version(h).orElse(0);
            if (found > CURRENT_VERSION) {
                throw new IllegalStateException("the database schema is at version " + found
                        + ", newer than this library's " + CURRENT_VERSION + "; upgrade Portcullis");
            }
            if (found < CURRENT_VERSION) {
                for (String statement : statements(script(db.dialect()))) {
                    h.execute(statement);
                }
                LOG.info("Portcullis schema migrated from version {} to {} ({})", found, CURRENT_VERSION, db.dialect());
            }
            return version(h).orElseThrow(() -> new IllegalStateException("schema script did not record its version"));
        });
    }

    /** The recorded version, if the version table exists. */
    Optional<Integer> installedVersion() {
        return db.withHandle("schema.version", SchemaMigrator::version);
    }

    private static Optional<Integer> version(Handle h) {
        if (!tableExists(h, "portcullis_schema_version")) {
            return Optional.empty();
        }
        return h.createQuery("SELECT MAX(version) FROM portcullis_schema_version").mapTo(Integer.class).findOne();
    }

    private static boolean tableExists(Handle h, String table) {
        // information_schema exists in both dialects; H2 keeps unquoted names upper case, PostgreSQL lower case.
        return h.createQuery("SELECT COUNT(*) FROM information_schema.tables WHERE LOWER(table_name) = :t"
                        + " AND table_schema = CURRENT_SCHEMA")
                .bind("t", table)
                .mapTo(Integer.class)
                .one() > 0;
    }

    static String script(JdbcDialect dialect) {
        try (InputStream in = SchemaMigrator.class.getClassLoader().getResourceAsStream(dialect.schemaResource())) {
            if (in == null) {
                throw new IllegalStateException("schema resource missing from the classpath: " + dialect.schemaResource());
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Splits a script into statements: drops {@code --} comment lines, splits at a {@code ;} that ends a line. */
    static List<String> statements(String script) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : script.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("--")) {
                continue;
            }
            current.append(line).append('\n');
            if (trimmed.endsWith(";")) {
                String stmt = current.toString().strip();
                out.add(stmt.substring(0, stmt.length() - 1));
                current.setLength(0);
            }
        }
        if (!current.toString().isBlank()) {
            out.add(current.toString().strip());
        }
        return out;
    }
}
