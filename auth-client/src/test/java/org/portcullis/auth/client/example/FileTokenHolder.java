package org.portcullis.auth.client.example;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Properties;

import org.portcullis.auth.client.TokenHolder;
import org.portcullis.auth.client.Tokens;

/**
 * An example {@link TokenHolder} that keeps the tokens in a file readable by the owner only, so a
 * program can resume its session after a restart. Writes go to a temporary file that is then
 * renamed over the old one, so a reader never sees half a file. A real application would also
 * encrypt the file (the refresh token is a credential). Thread-safe: every method is synchronized,
 * and the file is the only state.
 */
public final class FileTokenHolder implements TokenHolder {

    private final Path file;

    public FileTokenHolder(Path file) {
        this.file = file;
    }

    @Override
    public synchronized Optional<Tokens> get() {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            p.load(in);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + file, e);
        }
        String refreshExpiresAt = p.getProperty("refreshExpiresAt", "");
        return Optional.of(new Tokens(p.getProperty("accessToken"), p.getProperty("refreshToken"),
                p.getProperty("sessionId"), Duration.parse(p.getProperty("lifetime")),
                Instant.parse(p.getProperty("expiresAt")),
                refreshExpiresAt.isEmpty() ? Optional.empty() : Optional.of(Instant.parse(refreshExpiresAt))));
    }

    @Override
    public synchronized void set(Tokens tokens) {
        Properties p = new Properties();
        p.setProperty("accessToken", tokens.accessToken());
        p.setProperty("refreshToken", tokens.refreshToken());
        p.setProperty("sessionId", tokens.sessionId());
        p.setProperty("lifetime", tokens.lifetime().toString());
        p.setProperty("expiresAt", tokens.expiresAt().toString());
        p.setProperty("refreshExpiresAt", tokens.refreshExpiresAt().map(Instant::toString).orElse(""));
        try {
            Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), ".tokens", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try (OutputStream out = Files.newOutputStream(tmp)) {
                p.store(out, null);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + file, e);
        }
    }

    @Override
    public synchronized void clear() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete " + file, e);
        }
    }

    @Override
    public String toString() {
        return "FileTokenHolder[" + file + "]";
    }
}
