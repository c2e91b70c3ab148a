package org.portcullis.auth.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.auth.client.example.FileTokenHolder;

@DisplayName("The in-memory token holder")
class TokenHolderTest {

    final TokenHolder holder = TokenHolder.inMemory();
    final Tokens tokens = TokensTest.tokens(Duration.ofMinutes(20), Instant.parse("2026-01-01T00:20:00Z"));

    @Test
    @DisplayName("starts empty")
    void startsEmpty() {
        assertThat(holder.get()).isEmpty();
    }

    @Test
    @DisplayName("returns what was set")
    void returnsWhatWasSet() {
        holder.set(tokens);
        assertThat(holder.get()).contains(tokens);
    }

    @Test
    @DisplayName("is empty again after clear")
    void clear() {
        holder.set(tokens);
        holder.clear();
        assertThat(holder.get()).isEmpty();
    }

    @Test
    @DisplayName("a set on one thread is seen by a get on another")
    void visibleAcrossThreads() throws Exception {
        CountDownLatch stored = new CountDownLatch(1);
        AtomicReference<Optional<Tokens>> seen = new AtomicReference<>();
        Thread reader = new Thread(() -> {
            try {
                stored.await();
                seen.set(holder.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        reader.start();
        holder.set(tokens);
        stored.countDown();
        reader.join();
        assertThat(seen.get()).contains(tokens);
    }

    @Test
    @DisplayName("toString names the session but never a token")
    void redacted() {
        holder.set(tokens);
        assertThat(holder.toString()).contains("sid-1").doesNotContain(tokens.accessToken())
                .doesNotContain(tokens.refreshToken());
    }

    @Nested
    @DisplayName("the file-backed example holder")
    class FileBacked {

        @TempDir
        Path dir;

        @Test
        @DisplayName("a second holder on the same file reads back exactly what the first stored")
        void roundTrip() {
            new FileTokenHolder(dir.resolve("tokens")).set(tokens);
            assertThat(new FileTokenHolder(dir.resolve("tokens")).get()).contains(tokens);
        }

        @Test
        @DisplayName("the file is readable by its owner only")
        void ownerOnly() throws Exception {
            new FileTokenHolder(dir.resolve("tokens")).set(tokens);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("tokens"))))
                    .isEqualTo("rw-------");
        }

        @Test
        @DisplayName("clear deletes the file, and an absent file means no tokens")
        void clear() {
            FileTokenHolder file = new FileTokenHolder(dir.resolve("tokens"));
            file.set(tokens);
            file.clear();
            assertThat(Files.exists(dir.resolve("tokens"))).isFalse();
            assertThat(file.get()).isEmpty();
        }
    }
}
