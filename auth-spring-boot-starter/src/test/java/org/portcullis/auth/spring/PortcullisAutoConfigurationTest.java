package org.portcullis.auth.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Map;

import javax.sql.DataSource;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.portcullis.auth.api.AuthService;
import org.portcullis.auth.api.AuthSettings;
import org.portcullis.auth.api.SessionLimitPolicy;
import org.portcullis.auth.api.SigningAlgorithm;
import org.portcullis.auth.api.Stores;
import org.portcullis.auth.api.UserStore;
import org.portcullis.auth.core.PasswordHasher;
import org.portcullis.auth.micrometer.PortcullisMetrics;
import org.portcullis.auth.store.memory.InMemoryStores;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.MapPropertySource;

/** The engine's auto-configuration without a web server: store choice, overrides and property binding. */
@DisplayName("PortcullisAutoConfiguration")
class PortcullisAutoConfigurationTest {

    private static final String KEK = "portcullis.store.key-encryption-key=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(PortcullisAutoConfiguration.class))
            .withPropertyValues("portcullis.cleanup.interval=0s")
            .withBean(PasswordHasher.class, () -> PasswordHasher.withParameters(64, 1, 1));

    private static String storeKind(Stores stores) {
        return stores.users().getClass().getSimpleName();
    }

    @Nested
    @DisplayName("store choice")
    class StoreChoice {

        @Test
        @DisplayName("without a DataSource the in-memory store is used")
        void memory() {
            runner.run(ctx -> assertThat(storeKind(ctx.getBean(Stores.class))).isEqualTo("InMemoryUserStore"));
        }

        @Test
        @DisplayName("with an H2 DataSource the JDBC store is used and its schema migrated at start")
        void jdbc() {
            runner.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class))
                    .withPropertyValues("spring.datasource.url=jdbc:h2:mem:choice-jdbc;DB_CLOSE_DELAY=-1", KEK)
                    .run(ctx -> {
                        assertThat(storeKind(ctx.getBean(Stores.class))).isEqualTo("JdbcUserStore");
                        assertThat(tableExists(ctx.getBean(DataSource.class))).isTrue();
                    });
        }

        @Test
        @DisplayName("portcullis.store.migrate-schema=false leaves the database alone")
        void noMigration() {
            runner.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class))
                    .withPropertyValues("spring.datasource.url=jdbc:h2:mem:choice-nomigrate;DB_CLOSE_DELAY=-1", KEK,
                            "portcullis.store.migrate-schema=false")
                    .run(ctx -> assertThat(tableExists(ctx.getBean(DataSource.class))).isFalse());
        }

        @Test
        @DisplayName("portcullis.store.type=memory ignores the DataSource")
        void forcedMemory() {
            runner.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class))
                    .withPropertyValues("spring.datasource.url=jdbc:h2:mem:choice-forced;DB_CLOSE_DELAY=-1",
                            "portcullis.store.type=memory")
                    .run(ctx -> assertThat(storeKind(ctx.getBean(Stores.class))).isEqualTo("InMemoryUserStore"));
        }

        @Test
        @DisplayName("the JDBC store without a key-encryption key fails at start, naming the property")
        void jdbcNeedsKek() {
            runner.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class))
                    .withPropertyValues("spring.datasource.url=jdbc:h2:mem:choice-nokek;DB_CLOSE_DELAY=-1")
                    .run(ctx -> assertThat(ctx).getFailure().rootCause()
                            .hasMessageContaining("portcullis.store.key-encryption-key"));
        }

        @Test
        @DisplayName("a Stores bean of the application wins over the DataSource")
        void appStoresWin() {
            Stores own = InMemoryStores.create(java.time.Clock.systemUTC());
            runner.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class))
                    .withPropertyValues("spring.datasource.url=jdbc:h2:mem:choice-own;DB_CLOSE_DELAY=-1", KEK)
                    .withBean(Stores.class, () -> own)
                    .run(ctx -> {
                        assertThat(ctx.getBean(Stores.class)).isSameAs(own);
                        assertThat(tableExists(ctx.getBean(DataSource.class))).isFalse();
                        ctx.getBean(AuthService.class).checkHealth();
                    });
        }

        @Test
        @DisplayName("a single UserStore bean replaces only the users of the chosen backend")
        void appUserStoreWins() {
            UserStore own = InMemoryStores.create(java.time.Clock.systemUTC()).users();
            runner.withBean(UserStore.class, () -> own)
                    .run(ctx -> {
                        Stores stores = ctx.getBean(Stores.class);
                        assertThat(stores.users()).isSameAs(own);
                        assertThat(stores.sessions().getClass().getSimpleName()).isEqualTo("InMemorySessionStore");
                    });
        }
    }

    @Nested
    @DisplayName("properties")
    class Properties {

        @Test
        @DisplayName("with nothing set the settings are the engine's defaults")
        void defaults() {
            runner.run(ctx -> assertThat(ctx.getBean(AuthSettings.class))
                    .isEqualTo(AuthSettings.builder().cleanup(AuthSettings.Cleanup.builder().interval(Duration.ZERO)
                            .build()).build()));
        }

        @Test
        @DisplayName("every AuthSettings value binds from portcullis.*")
        void everySetting() {
            runner.withPropertyValues("portcullis.issuer=https://id.example", "portcullis.audience=shop",
                    "portcullis.jwt.expire-minutes=15", "portcullis.session.refresh-idle-timeout=2d",
                    "portcullis.session.absolute-lifetime=10d", "portcullis.clock-skew=10s",
                    "portcullis.refresh-grace-window=0s", "portcullis.session.max-per-user=3",
                    "portcullis.session.limit-policy=reject", "portcullis.max-token-bytes=4096",
                    "portcullis.token-cache-size=500", "portcullis.session-status-ttl=1s",
                    "portcullis.signing-algorithm=ES256", "portcullis.key-reload-interval=30s",
                    "portcullis.throttling.window=5m", "portcullis.throttling.pair-free-attempts=3",
                    "portcullis.throttling.ip-free-attempts=30", "portcullis.throttling.user-free-attempts=60",
                    "portcullis.throttling.base-delay=2s", "portcullis.throttling.max-delay=10m",
                    "portcullis.throttling.stuffing-distinct-usernames=7",
                    "portcullis.throttling.account-max-failures=100", "portcullis.throttling.account-window=12h",
                    "portcullis.throttling.device-token-lifetime=30d", "portcullis.throttling.stuffing-global-failures=80",
                    "portcullis.cleanup.interval=0s", "portcullis.cleanup.batch-size=200",
                    "portcullis.cleanup.revoked-retention=2h", "portcullis.cleanup.audit-retention=90d",
                    "portcullis.keys.publish-jwks=true", "portcullis.keys.jwks-max-age=2m",
                    "portcullis.keys.rotation-interval=7d", "portcullis.keys.token-encryption=dir")
                    .run(ctx -> {
                        AuthSettings s = ctx.getBean(AuthSettings.class);
                        assertThat(s).isEqualTo(new AuthSettings("https://id.example", "shop", Duration.ofMinutes(15),
                                Duration.ofDays(2), Duration.ofDays(10), Duration.ofSeconds(10), Duration.ZERO, 3,
                                SessionLimitPolicy.REJECT, 4096, 500, Duration.ofSeconds(1), SigningAlgorithm.ES256,
                                Duration.ofSeconds(30),
                                AuthSettings.Throttling.builder().window(Duration.ofMinutes(5)).pairFreeAttempts(3)
                                        .ipFreeAttempts(30).userFreeAttempts(60).baseDelay(Duration.ofSeconds(2))
                                        .maxDelay(Duration.ofMinutes(10)).stuffingDistinctUsernames(7)
                                        .accountMaxFailures(100).accountWindow(Duration.ofHours(12))
                                        .deviceTokenLifetime(Duration.ofDays(30)).stuffingGlobalFailures(80).build(),
                                AuthSettings.Cleanup.builder().interval(Duration.ZERO).batchSize(200)
                                        .revokedRetention(Duration.ofHours(2)).auditRetention(Duration.ofDays(90)).build(),
                                AuthSettings.Keys.builder().publishJwks(true).jwksMaxAge(Duration.ofMinutes(2))
                                        .rotationInterval(Duration.ofDays(7))
                                        .tokenEncryption(AuthSettings.TokenEncryption.direct()).build()));
                        assertThat(ctx.getBean(AuthService.class).settings()).isEqualTo(s);
                    });
        }

        @Test
        @DisplayName("the seed's JwtSettings:ExpireMinutes sets the access-token lifetime")
        void seedKey() {
            runner.withInitializer(ctx -> ctx.getEnvironment().getPropertySources()
                            .addFirst(new MapPropertySource("seed", Map.of("JwtSettings:ExpireMinutes", "45"))))
                    .run(ctx -> assertThat(ctx.getBean(AuthSettings.class).accessTokenLifetime())
                            .isEqualTo(Duration.ofMinutes(45)));
        }

        @Test
        @DisplayName("JwtSettings__ExpireMinutes (the environment variable's spelling) wins over the key")
        void seedEnvironmentSpelling() {
            runner.withInitializer(ctx -> ctx.getEnvironment().getPropertySources()
                            .addFirst(new MapPropertySource("seed", Map.of("JwtSettings:ExpireMinutes", "45",
                                    "JwtSettings__ExpireMinutes", "50"))))
                    .run(ctx -> assertThat(ctx.getBean(AuthSettings.class).accessTokenLifetime())
                            .isEqualTo(Duration.ofMinutes(50)));
        }

        @Test
        @DisplayName("portcullis.jwt.expire-minutes wins over the seed's key")
        void portcullisKeyWins() {
            runner.withPropertyValues("portcullis.jwt.expire-minutes=10")
                    .withInitializer(ctx -> ctx.getEnvironment().getPropertySources()
                            .addFirst(new MapPropertySource("seed", Map.of("JwtSettings:ExpireMinutes", "45"))))
                    .run(ctx -> assertThat(ctx.getBean(AuthSettings.class).accessTokenLifetime())
                            .isEqualTo(Duration.ofMinutes(10)));
        }

        @Test
        @DisplayName("a bad value fails at start with the engine's message naming the setting")
        void badValue() {
            runner.withPropertyValues("portcullis.clock-skew=1h")
                    .run(ctx -> assertThat(ctx).getFailure().rootCause().hasMessageContaining("clockSkew"));
        }
    }

    @Nested
    @DisplayName("metrics")
    class Metrics {

        @Configuration(proxyBeanMethods = false)
        static class Registry {
            @Bean
            MeterRegistry meterRegistry() {
                return new SimpleMeterRegistry();
            }
        }

        @Test
        @DisplayName("with a MeterRegistry the service is instrumented")
        void instrumented() {
            runner.withUserConfiguration(Registry.class).run(ctx -> assertThat(ctx.getBean(MeterRegistry.class)
                    .find(PortcullisMetrics.LOGINS).counters()).isNotEmpty());
        }

        @Test
        @DisplayName("portcullis.metrics.enabled=false publishes nothing")
        void off() {
            runner.withUserConfiguration(Registry.class).withPropertyValues("portcullis.metrics.enabled=false")
                    .run(ctx -> assertThat(ctx.getBean(MeterRegistry.class).getMeters()).isEmpty());
        }
    }

    private static boolean tableExists(DataSource ds) throws Exception {
        try (Connection c = ds.getConnection();
             ResultSet rs = c.getMetaData().getTables(null, null, "PORTCULLIS_USERS", null)) {
            return rs.next();
        }
    }
}
