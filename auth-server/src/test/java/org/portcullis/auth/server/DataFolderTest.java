package org.portcullis.auth.server;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.auth.store.tck.MutableClock;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.portcullis.auth.server.TestUsers.ALICE;
import static org.portcullis.auth.server.TestUsers.ALICE_PASSWORD;

@DisplayName("The data folder of the default H2 file and its secret files are kept to their owner")
class DataFolderTest {

    @TempDir
    Path dir;

    private static String permissions(Path p) {
        try {
            return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    @DisplayName("a first start creates the folder 0700, and the database and key-encryption key files 0600")
    void firstStart() throws IOException {
        ServerConfig config = ServerConfig.load(Map.of("PORTCULLIS_PORT", "0", "PORTCULLIS_HOST", "127.0.0.1",
                "PORTCULLIS_THREADS", "2", "PORTCULLIS_DEMO_PASSWORD", "a demo password"), dir);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PortcullisServer server = PortcullisServerEndToEndTest.startWithTestUsers(config,
                MutableClock.startingAt(Instant.parse("2026-03-01T10:00:00Z")), new PrintStream(out, true, StandardCharsets.UTF_8))) {
            new Client(server.uri()).login(ALICE, ALICE_PASSWORD);
        }
        Path data = dir.resolve("data");
        assertThat(permissions(data)).isEqualTo("rwx------");
        assertThat(permissions(data.resolve("portcullis.mv.db"))).isEqualTo("rw-------");
        assertThat(permissions(data.resolve("portcullis.kek"))).isEqualTo("rw-------");
        // Every file the server left there is its owner's alone, and no temporary file is left behind.
        try (Stream<Path> files = Files.list(data)) {
            assertThat(files).allSatisfy(f -> {
                assertThat(f.getFileName().toString()).doesNotEndWith(".tmp");
                assertThat(permissions(f)).isEqualTo("rw-------");
            });
        }
        // The default database, so the demo user was created and its password printed once.
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("Demo user created");
    }

    @Test
    @DisplayName("missing parent folders of an H2 file named by URL are created 0700 as well")
    void nestedFolders() throws IOException {
        Path db = dir.resolve("a").resolve("b").resolve("auth");
        ServerConfig config = ServerConfig.load(Map.of("PORTCULLIS_DB_URL", "jdbc:h2:file:" + db), dir);
        DataFolder.prepare(config);
        assertThat(permissions(dir.resolve("a"))).isEqualTo("rwx------");
        assertThat(permissions(dir.resolve("a").resolve("b"))).isEqualTo("rwx------");
        assertThat(permissions(dir.resolve("a").resolve("b").resolve("auth.mv.db"))).isEqualTo("rw-------");
        assertThat(KeyEncryptionKeys.keyFileFor(config)).isEqualTo(dir.resolve("a").resolve("b").resolve("auth.kek"));
    }

    @Test
    @DisplayName("a secret file is written whole, 0600, and never over a file that appeared meanwhile")
    void secretFile() throws IOException {
        Path file = dir.resolve("secret");
        DataFolder.writeSecretFile(file, "first".getBytes(StandardCharsets.US_ASCII));
        assertThat(Files.readString(file)).isEqualTo("first");
        assertThat(permissions(file)).isEqualTo("rw-------");
        assertThatThrownBy(() -> DataFolder.writeSecretFile(file, "second".getBytes(StandardCharsets.US_ASCII)))
                .isInstanceOf(FileAlreadyExistsException.class);
        assertThat(Files.readString(file)).isEqualTo("first");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).containsExactly(file);
        }
    }

    @Test
    @DisplayName("a folder that already exists is kept as its owner made it")
    void existingFolderKept() throws IOException {
        Path data = Files.createDirectory(dir.resolve("data"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-x---")));
        DataFolder.prepare(ServerConfig.defaults(dir));
        assertThat(permissions(data)).isEqualTo("rwxr-x---");
        assertThat(permissions(data.resolve("portcullis.mv.db"))).isEqualTo("rw-------");
    }
}
