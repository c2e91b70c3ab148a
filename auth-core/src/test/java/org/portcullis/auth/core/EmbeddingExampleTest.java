package org.portcullis.auth.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.portcullis.auth.api.AuthPrincipal;
import org.portcullis.auth.api.AuthService;
import org.portcullis.auth.api.AuthSettings;
import org.portcullis.auth.api.ClientInfo;
import org.portcullis.auth.api.PasswordCredential;
import org.portcullis.auth.api.Session;
import org.portcullis.auth.api.Stores;
import org.portcullis.auth.api.TokenPair;
import org.portcullis.auth.api.UserRecord;
import org.portcullis.auth.store.memory.InMemoryStores;

/** The README's embedding example, compiled and run here; a second test keeps the two in step. */
@DisplayName("the README embedding example")
class EmbeddingExampleTest {

    static List<Session> example() {
        // embed:start
        Clock clock = Clock.systemUTC();
        Stores stores = InMemoryStores.create(clock);
        PasswordHasher hasher = PasswordHasher.owasp();
        stores.users().create(new UserRecord("u-1", "alice", hasher.hash("correct horse"), Set.of("user"), true));

        try (AuthService auth = Portcullis.builder()
                .stores(stores)
                .clock(clock)
                .settings(AuthSettings.builder().accessTokenLifetime(Duration.ofMinutes(20)).build())
                .build()) {
            ClientInfo client = new ClientInfo("203.0.113.7", "my-app/1.0");
            TokenPair tokens = auth.login(new PasswordCredential("alice", "correct horse"), client);
            AuthPrincipal me = auth.validate(tokens.accessToken());      // on every request: fast
            TokenPair next = auth.refresh(tokens.accessToken(), tokens.refreshToken(), client);
            List<Session> mine = auth.sessions(me.userId());              // id, client, expiry of each
            auth.logout(auth.validate(next.accessToken()), client);
            return mine;
        }
        // embed:end
    }

    @Test
    @DisplayName("runs: it logs in, validates, refreshes, lists one session and logs out")
    void runs() {
        assertThat(example()).singleElement().satisfies(s -> {
            assertThat(s.userId()).isEqualTo("u-1");
            assertThat(s.refreshCount()).isEqualTo(1);
        });
    }

    @Test
    @DisplayName("the README shows exactly this code")
    void readmeMatches() throws IOException {
        Path readme = Path.of("..", "README.md");
        Path self = Path.of("src", "test", "java", "org", "portcullis", "auth", "core", "EmbeddingExampleTest.java");
        String code = between(Files.readString(self), "// embed:start", "// embed:end");
        String shown = between(Files.readString(readme), "<!-- embed:start -->", "<!-- embed:end -->");
        assertThat(normalise(shown)).contains(normalise(code));
    }

    private static String between(String text, String start, String end) {
        int a = text.indexOf(start);
        int b = text.indexOf(end, a + 1);
        assertThat(a).as("marker %s", start).isNotNegative();
        assertThat(b).as("marker %s", end).isGreaterThan(a);
        return text.substring(a + start.length(), b);
    }

    private static String normalise(String s) {
        return s.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("```"))
                .reduce("", (x, y) -> x + y + "\n");
    }
}
