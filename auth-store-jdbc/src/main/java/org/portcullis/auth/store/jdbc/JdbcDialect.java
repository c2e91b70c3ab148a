package org.portcullis.auth.store.jdbc;

import java.util.Locale;

/**
 * The databases the JDBC store speaks to. The few statements that differ between them (atomic
 * upsert of attempt counters, insert-if-absent) are chosen by dialect; everything else is
 * plain SQL both accept.
 */
public enum JdbcDialect {

    /** H2 2.x, embedded (in-memory or file) or over its TCP server. */
    H2("org/portcullis/auth/store/jdbc/schema-h2.sql"),

    /** PostgreSQL 12 or later. */
    POSTGRESQL("org/portcullis/auth/store/jdbc/schema-postgresql.sql");

    private final String schemaResource;

    JdbcDialect(String schemaResource) {
        this.schemaResource = schemaResource;
    }

    /**
     * The classpath resource holding this dialect's schema script, for applications that run
     * their own migration tool instead of {@link JdbcStores#migrate()}.
     */
    public String schemaResource() {
        return schemaResource;
    }

    /**
     * The dialect of a JDBC {@code DatabaseMetaData.getDatabaseProductName()}.
     *
     * @throws IllegalArgumentException for a database this store does not support
     */
    public static JdbcDialect fromProductName(String productName) {
        String p = productName == null ? "" : productName.toLowerCase(Locale.ROOT);
        if (p.startsWith("h2")) {
            return H2;
        }
        if (p.startsWith("postgresql")) {
            return POSTGRESQL;
        }
        throw new IllegalArgumentException("unsupported database: " + productName + " (supported: H2, PostgreSQL)");
    }
}
