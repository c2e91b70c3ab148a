package org.portcullis.auth.server;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The folder an H2 file database lives in, and the secret files beside it, kept to their owner.
 * The database holds password hashes and sealed signing keys, the key-encryption key file opens
 * those keys: the folder is created {@code 0700} and every file this server creates there
 * {@code 0600}, each with its permissions given atomically at creation (no window in which the
 * umask's wider default applies; CWE-276, incorrect default permissions). A folder or file that already
 * exists is left as its owner made it; a warning says when others may read it.
 *
 * <p>On a file system without POSIX permissions the files are created with its defaults and the
 * protection of the folder above must do. Stateless.
 */
final class DataFolder {

    private static final Logger LOG = LoggerFactory.getLogger(DataFolder.class);

    static final Set<PosixFilePermission> FOLDER = PosixFilePermissions.fromString("rwx------");
    static final Set<PosixFilePermission> SECRET = PosixFilePermissions.fromString("rw-------");

    /** The suffix H2 2.x gives the file of a database (MVStore). */
    static final String H2_FILE_SUFFIX = ".mv.db";

    private DataFolder() {
    }

    /**
     * The path of the H2 file database named by the URL, without H2's suffix: {@code ~} is the
     * user's home, and a relative path is taken from the working directory.
     */
    static Path h2Database(ServerConfig config) {
        String url = config.dbUrl();
        String rest = url.startsWith("jdbc:h2:file:") ? url.substring("jdbc:h2:file:".length()) : url.substring("jdbc:h2:".length());
        int semicolon = rest.indexOf(';');
        String dbPath = semicolon < 0 ? rest : rest.substring(0, semicolon);
        if (dbPath.startsWith("~")) {
            dbPath = System.getProperty("user.home") + dbPath.substring(1);
        }
        Path db = config.dataDirectory().getParent() == null ? Path.of(dbPath)
                : config.dataDirectory().getParent().resolve(dbPath);
        return db.normalize();
    }

    /**
     * For an H2 file database: creates its folder (and any missing parent) {@code 0700} and the
     * empty database file {@code 0600}, before H2 would create them with the umask's defaults.
     * Nothing to do for any other database.
     *
     * @throws UncheckedIOException when the folder or file cannot be created
     */
    static void prepare(ServerConfig config) {
        if (!config.isH2File()) {
            return;
        }
        Path db = h2Database(config);
        createFolder(db.getParent());
        Path file = db.resolveSibling(db.getFileName() + H2_FILE_SUFFIX);
        try {
            createOwnerOnly(file);
        } catch (FileAlreadyExistsException e) {
            warnIfOthersMayRead(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the database file " + file, e);
        }
    }

    /**
     * Creates {@code folder} and its missing parents with permissions {@code 0700}; an existing
     * folder is kept (with a warning if others may enter it).
     *
     * @throws UncheckedIOException when it cannot be created
     */
    static void createFolder(Path folder) {
        if (folder == null) {
            return;
        }
        if (Files.isDirectory(folder)) {
            warnIfOthersMayRead(folder);
            return;
        }
        try {
            try {
                Files.createDirectories(folder, PosixFilePermissions.asFileAttribute(FOLDER));
            } catch (UnsupportedOperationException e) {
                Files.createDirectories(folder);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the data folder " + folder, e);
        }
    }

    /**
     * Writes a new secret file whole or not at all: the content goes to a temporary file created
     * {@code 0600} in the same folder and forced to the disk, which is then linked under its name
     * (a hard link, which unlike a rename never replaces a file that appeared meanwhile), and the
     * folder entry forced too. So a crash at any point leaves either no file or the complete one,
     * never an empty or half-written secret.
     *
     * @throws FileAlreadyExistsException when {@code file} exists (another process created it first)
     * @throws IOException                when it cannot be written
     */
    static void writeSecretFile(Path file, byte[] content) throws IOException {
        createFolder(file.getParent());
        Path temp = Files.createTempFile(file.getParent(), "." + file.getFileName(), ".tmp", ownerOnly());
        try {
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    ch.write(buffer);
                }
                ch.force(true);
            }
            Files.createLink(file, temp);
        } finally {
            Files.deleteIfExists(temp);
        }
        forceFolder(file.getParent());
    }

    private static void createOwnerOnly(Path file) throws IOException {
        Files.createFile(file, ownerOnly());
    }

    private static FileAttribute<?>[] ownerOnly() {
        try {
            return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(SECRET)};
        } catch (UnsupportedOperationException e) {
            return new FileAttribute<?>[0];
        }
    }

    /** Forces a folder's entries (a new name in it) to the disk; where a folder cannot be opened so, nothing. */
    private static void forceFolder(Path folder) {
        try (FileChannel ch = FileChannel.open(folder, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Not every platform lets a directory be opened; the file itself is already forced.
        }
    }

    /**
     * Whether only its owner may enter or read {@code folder}: POSIX permissions without any group
     * or others bit. False when the file system has no POSIX permissions or they cannot be read (the
     * caller cannot know, so it assumes the worst).
     */
    static boolean ownerOnly(Path folder) {
        try {
            Set<PosixFilePermission> p = Files.getPosixFilePermissions(folder);
            return p.stream().allMatch(x -> x == PosixFilePermission.OWNER_READ || x == PosixFilePermission.OWNER_WRITE
                    || x == PosixFilePermission.OWNER_EXECUTE);
        } catch (UnsupportedOperationException | IOException e) {
            return false;
        }
    }

    static void warnIfOthersMayRead(Path path) {
        try {
            Set<PosixFilePermission> p = Files.getPosixFilePermissions(path);
            if (p.contains(PosixFilePermission.GROUP_READ) || p.contains(PosixFilePermission.OTHERS_READ)
                    || p.contains(PosixFilePermission.GROUP_EXECUTE) || p.contains(PosixFilePermission.OTHERS_EXECUTE)) {
                LOG.warn("{} is open to other users (permissions {}); chmod {} it", path, PosixFilePermissions.toString(p),
                        Files.isDirectory(path) ? "700" : "600");
            }
        } catch (UnsupportedOperationException | IOException e) {
            // nothing to check on this file system
        }
    }
}
