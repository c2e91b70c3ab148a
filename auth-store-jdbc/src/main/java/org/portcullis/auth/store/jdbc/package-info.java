/**
 * The JDBC store: Jdbi3 implementations of every Portcullis store SPI, on H2 and PostgreSQL.
 * Start at {@link org.portcullis.auth.store.jdbc.JdbcStores}; the implementations themselves are
 * package-private. Schema scripts live beside these classes on the classpath
 * ({@code schema-h2.sql}, {@code schema-postgresql.sql}).
 */
package org.portcullis.auth.store.jdbc;
