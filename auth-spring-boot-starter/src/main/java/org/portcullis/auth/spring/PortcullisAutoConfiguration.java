package org.portcullis.auth.spring;

import java.time.Clock;
import java.util.Base64;

import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import javax.sql.DataSource;

import io.micrometer.core.instrument.MeterRegistry;

import org.portcullis.auth.api.AttemptStore;
import org.portcullis.auth.api.AuditSink;
import org.portcullis.auth.api.AuthService;
import org.portcullis.auth.api.AuthSettings;
import org.portcullis.auth.api.CredentialVerifier;
import org.portcullis.auth.api.SessionStore;
import org.portcullis.auth.api.SigningKeyStore;
import org.portcullis.auth.api.Stores;
import org.portcullis.auth.api.UserStore;
import org.portcullis.auth.core.PasswordHasher;
import org.portcullis.auth.core.Portcullis;
import org.portcullis.auth.micrometer.PortcullisMetrics;
import org.portcullis.auth.store.jdbc.JdbcStores;
import org.portcullis.auth.store.memory.InMemoryStores;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * The engine: settings from {@code portcullis.*}, the stores, and the {@link AuthService}.
 *
 * <p>Stores: the application's own {@link Stores} bean wins; otherwise the JDBC store on the
 * application's {@link DataSource} when there is one (schema migrated at start unless
 * {@code portcullis.store.migrate-schema=false}), the in-memory store when there is none. Beans of
 * the single store SPIs ({@link UserStore}, {@link SessionStore}, {@link AttemptStore},
 * {@link SigningKeyStore}, {@link AuditSink}) replace that part of the chosen backend. A
 * {@link CredentialVerifier} or {@link PasswordHasher} bean is used by the engine. Metrics are
 * published to the application's {@link MeterRegistry} when there is one.
 */
@AutoConfiguration(afterName = {
        "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration"})
@EnableConfigurationProperties(PortcullisProperties.class)
public class PortcullisAutoConfiguration {

    /** The seed's key for the access-token lifetime, and its environment-variable spelling. */
    static final String SEED_EXPIRE_KEY = "JwtSettings:ExpireMinutes";
    static final String SEED_EXPIRE_ENV = "JwtSettings__ExpireMinutes";

    @Bean
    @ConditionalOnMissingBean
    Clock portcullisClock() {
        return Clock.systemUTC();
    }

    @Bean
    @ConditionalOnMissingBean
    AuthSettings portcullisSettings(PortcullisProperties properties, Environment environment) {
        String seed = environment.getProperty(SEED_EXPIRE_ENV, environment.getProperty(SEED_EXPIRE_KEY));
        Integer minutes = null;
        if (seed != null && !seed.isBlank()) {
            try {
                minutes = Integer.valueOf(seed.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(SEED_EXPIRE_KEY + " must be a whole number of minutes: " + seed);
            }
        }
        return properties.toSettings(minutes);
    }

    /** Argon2id with OWASP's parameters; the application's own bean wins (and is what it should hash new passwords with). */
    @Bean
    @ConditionalOnMissingBean
    PasswordHasher portcullisPasswordHasher() {
        return PasswordHasher.owasp();
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    AuthService portcullisAuthService(Stores stores, AuthSettings settings, Clock clock, PortcullisProperties properties,
                                      ObjectProvider<CredentialVerifier> verifier, PasswordHasher hasher,
                                      ObjectProvider<MeterRegistry> registries) {
        MeterRegistry registry = properties.getMetrics().isEnabled() ? registries.getIfAvailable() : null;
        Portcullis.Builder builder = Portcullis.builder()
                .stores(registry == null ? stores : PortcullisMetrics.instrument(stores, registry))
                .settings(settings)
                .clock(clock);
        CredentialVerifier custom = verifier.getIfAvailable();
        if (custom != null) {
            builder.credentialVerifier(custom);
        } else {
            builder.passwordHasher(hasher);
        }
        AuthService service = builder.build();
        return registry == null ? service : PortcullisMetrics.instrument(service, registry);
    }

    /** The chosen backend, with any single-store bean of the application in place of its part. */
    static Stores withOverrides(Stores backend, ObjectProvider<UserStore> users, ObjectProvider<SessionStore> sessions,
                                ObjectProvider<AttemptStore> attempts, ObjectProvider<SigningKeyStore> keys,
                                ObjectProvider<AuditSink> audit) {
        return new Stores(users.getIfAvailable(backend::users), sessions.getIfAvailable(backend::sessions),
                attempts.getIfAvailable(backend::attempts), keys.getIfAvailable(backend::signingKeys),
                audit.getIfAvailable(backend::audit), backend.transactions(), backend.invalidations());
    }

    /**
     * The chosen backend: {@code portcullis.store.type=auto} (the default) takes the JDBC store when
     * the application has a DataSource and the in-memory store otherwise.
     */
    @Bean
    @ConditionalOnMissingBean
    Stores portcullisStores(PortcullisProperties properties, Clock clock, ObjectProvider<DataSource> dataSource,
                            ObjectProvider<UserStore> users, ObjectProvider<SessionStore> sessions,
                            ObjectProvider<AttemptStore> attempts, ObjectProvider<SigningKeyStore> keys,
                            ObjectProvider<AuditSink> audit) {
        PortcullisProperties.StoreType type = properties.getStore().getType();
        DataSource ds = type == PortcullisProperties.StoreType.MEMORY ? null : dataSource.getIfUnique();
        if (type == PortcullisProperties.StoreType.JDBC && ds == null) {
            throw new IllegalStateException("portcullis.store.type=jdbc needs exactly one DataSource bean");
        }
        return ds != null ? jdbc(ds, properties, users, sessions, attempts, keys, audit)
                : withOverrides(InMemoryStores.create(clock), users, sessions, attempts, keys, audit);
    }

    static Stores jdbc(DataSource dataSource, PortcullisProperties properties, ObjectProvider<UserStore> users,
                       ObjectProvider<SessionStore> sessions, ObjectProvider<AttemptStore> attempts,
                       ObjectProvider<SigningKeyStore> keys, ObjectProvider<AuditSink> audit) {
        JdbcStores jdbc = JdbcStores.create(dataSource, keyEncryptionKey(properties.getStore().getKeyEncryptionKey()));
        if (properties.getStore().isMigrateSchema()) {
            jdbc.migrate();
        }
        return withOverrides(jdbc.stores(), users, sessions, attempts, keys, audit);
    }

    static SecretKey keyEncryptionKey(String base64) {
        if (base64 == null || base64.isBlank()) {
            throw new IllegalStateException("portcullis.store.key-encryption-key must be set (base64 of 16, 24 or 32"
                    + " random bytes) when Portcullis keeps its signing keys in the application's DataSource;"
                    + " or set portcullis.store.type=memory");
        }
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(base64.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("portcullis.store.key-encryption-key is not valid base64");
        }
        if (raw.length != 16 && raw.length != 24 && raw.length != 32) {
            throw new IllegalStateException("portcullis.store.key-encryption-key must decode to 16, 24 or 32 bytes, not "
                    + raw.length);
        }
        return new SecretKeySpec(raw, "AES");
    }
}
