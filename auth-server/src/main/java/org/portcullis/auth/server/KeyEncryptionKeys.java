package org.portcullis.auth.server;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Where the key that encrypts signing keys at rest comes from: {@code PORTCULLIS_KEK} (base64 of
 * an AES key), or, for an H2 file database only, a file next to the database that is generated on
 * first start with owner-only permissions (0600). A shared database (PostgreSQL, H2 over TCP)
 * needs the same key on every node, so there it must be given.
 */
final class KeyEncryptionKeys {

    private static final Logger LOG = LoggerFactory.getLogger(KeyEncryptionKeys.class);

    private KeyEncryptionKeys() {
    }

    static SecretKey resolve(ServerConfig config, SecureRandom random) {
        if (config.kekBase64().isPresent()) {
            return decode(config.kekBase64().get(), "PORTCULLIS_KEK");
        }
        if (!config.isH2File()) {
            throw new IllegalArgumentException("PORTCULLIS_KEK (base64 of a 256-bit AES key) is required when the "
                    + "database is not an H2 file: every node sharing the database needs the same key");
        }
        Path file = keyFileFor(config);
        if (Files.isRegularFile(file)) {
            try {
                SecretKey key = decode(Files.readString(file, StandardCharsets.US_ASCII).strip(), file.toString());
                DataFolder.warnIfOthersMayRead(file);
                LOG.info("key-encryption key read from {}", file);
                return key;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the key-encryption key file " + file, e);
            }
        }
        return generate(file, random);
    }

    /** {@code <database file>.kek} beside the H2 database file. */
    static Path keyFileFor(ServerConfig config) {
        Path db = DataFolder.h2Database(config);
        return db.resolveSibling(db.getFileName() + ".kek");
    }

    private static SecretKey generate(Path file, SecureRandom random) {
        byte[] key = new byte[32];
        random.nextBytes(key);
        try {
            // Whole or not at all, 0600 from its first byte (see DataFolder#writeSecretFile).
            DataFolder.writeSecretFile(file, (Base64.getEncoder().encodeToString(key) + "\n").getBytes(StandardCharsets.US_ASCII));
        } catch (FileAlreadyExistsException e) {
            // Another process created it between our check and our write: use theirs.
            return resolveExisting(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the key-encryption key file " + file, e);
        }
        LOG.warn("generated a new key-encryption key and stored it in {} (permissions 0600). It encrypts the "
                + "signing keys in the database: back it up with the database, or set PORTCULLIS_KEK to supply your own.",
                file);
        return new SecretKeySpec(key, "AES");
    }

    private static SecretKey resolveExisting(Path file) {
        try {
            return decode(Files.readString(file, StandardCharsets.US_ASCII).strip(), file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the key-encryption key file " + file, e);
        }
    }

    static SecretKey decode(String text, String source) {
        byte[] key;
        try {
            key = Base64.getDecoder().decode(text.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + " is not valid base64");
        }
        if (key.length != 16 && key.length != 24 && key.length != 32) {
            throw new IllegalArgumentException(source + " must decode to 16, 24 or 32 bytes (an AES key), not " + key.length);
        }
        return new SecretKeySpec(key, "AES");
    }

}
