package org.portcullis.auth.javalin;

import io.javalin.Javalin;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.portcullis.auth.api.AuthService;
import org.portcullis.auth.api.Stores;
import org.portcullis.auth.core.Portcullis;
import org.portcullis.auth.http.AuthHttpHandler;
import org.portcullis.auth.http.TestUsers;
import org.portcullis.auth.store.memory.InMemoryStores;
import org.portcullis.auth.store.tck.MutableClock;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("PortcullisJavalin.install")
class PortcullisJavalinTest {

    private final MutableClock clock = MutableClock.startingAt(Instant.parse("2026-03-01T10:00:00Z"));
    private final Stores stores = InMemoryStores.create(clock);
    private final AuthService service = Portcullis.builder().stores(stores).clock(clock).passwordHasher(TestUsers.HASHER)
            .startCleanupJob(false).build();

    @AfterEach
    void close() {
        service.close();
    }

    @Test
    @DisplayName("refuses a config with case-insensitive routes, which would let /APP/admin around a rule on /app/admin/**")
    void refusesCaseInsensitiveRoutes() {
        AuthHttpHandler handler = AuthHttpHandler.builder(service).build();
        assertThatThrownBy(() -> Javalin.create(config -> {
            config.router.caseInsensitiveRoutes = true;
            PortcullisJavalin.install(config, handler);
        })).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("caseInsensitiveRoutes");
    }
}
