package org.portcullis.auth.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.portcullis.auth.api.ExternalIdentity;

import com.zaxxer.hikari.HikariDataSource;

/**
 * A database at schema version 1 (before external identities) is brought to the current version by
 * {@link JdbcStores#migrate()}, keeping its users, and then holds links.
 */
@DisplayName("the schema: a version-1 database migrates to the current version and gains the external-identity table")
class ExternalIdentitySchemaUpgradeTest {

    @Test
    @DisplayName("version 1 → current on H2 keeps users and adds portcullis_external_identities")
    void upgradesFromVersionOne() throws SQLException {
        Path dir = TempDirs.create("portcullis-h2-");
        try (HikariDataSource ds = Backend.pool(Backend.url(Backend.Kind.H2_FILE, dir), 2)) {
            JdbcStores jdbc = JdbcStores.builder(ds, Backend.newKek()).dialect(JdbcDialect.H2).build();
            jdbc.migrate();
            jdbc.stores().users().create(new org.portcullis.auth.api.UserRecord("u-1", "alice", "hash",
                    java.util.Set.of(), true));
            try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                // What a version-1 database looks like: no link table, version 1 recorded.
                s.execute("DROP TABLE portcullis_external_identities");
                s.execute("DELETE FROM portcullis_schema_version WHERE version > 1");
            }
            assertThat(jdbc.installedSchemaVersion()).contains(1);
            assertThat(jdbc.migrate()).isEqualTo(JdbcStores.SCHEMA_VERSION);
            assertThat(jdbc.stores().users().findByUsername("alice")).isPresent();
            ExternalIdentity link = new ExternalIdentity("google", "sub-1", "u-1", Instant.parse("2030-01-01T00:00:00Z"));
            assertThat(jdbc.externalIdentities().link(link)).isTrue();
            assertThat(jdbc.externalIdentities().findByUser("u-1")).containsExactly(link);
        } finally {
            TempDirs.delete(dir);
        }
    }
}
