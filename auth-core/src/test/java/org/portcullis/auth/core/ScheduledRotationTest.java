package org.portcullis.auth.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.portcullis.auth.api.AuditEventType;
import org.portcullis.auth.api.AuthService;
import org.portcullis.auth.api.AuthSettings;
import org.portcullis.auth.api.SigningKey;
import org.portcullis.auth.api.TokenPair;

@DisplayName("scheduled key rotation")
class ScheduledRotationTest {

    private static final Duration INTERVAL = Duration.ofDays(30);

    private static Fixture fixture() {
        return new Fixture(b -> b.keys(AuthSettings.Keys.builder().rotationInterval(INTERVAL).build()));
    }

    private static String kid(TokenPair p) throws Exception {
        return SignedJWT.parse(p.accessToken()).getHeader().getKeyID();
    }

    @Test
    @DisplayName("the next key is published one JWK Set max-age plus one reload interval before it signs, then replaces the old one")
    void publishBeforeSign() throws Exception {
        try (Fixture f = fixture()) {
            f.addUser("alice", "pw");
            String first = kid(f.login("alice", "pw"));
            Duration lead = f.settings.keys().publishLead(f.settings.keyReloadInterval());

            f.clock.advance(INTERVAL.minus(lead).minusSeconds(1));
            f.login("alice", "pw");
            assertThat(f.stores.signingKeys().findAll()).hasSize(1);

            f.clock.advance(Duration.ofSeconds(1));
            assertThat(kid(f.login("alice", "pw"))).isEqualTo(first);
            List<SigningKey> keys = f.stores.signingKeys().findAll();
            assertThat(keys).hasSize(2);
            SigningKey next = keys.get(1);
            assertThat(Duration.between(next.createdAt(), next.activatesAt())).isEqualTo(lead);
            assertThat(f.auth.publishedKeys().keyIds()).containsExactly(first, next.kid());
            assertThat(keys.get(0).retiresAt()).contains(next.activatesAt());

            f.clock.setInstant(next.activatesAt());
            assertThat(kid(f.login("alice", "pw"))).isEqualTo(next.kid());
            assertThat(f.events(AuditEventType.KEY_ROTATED)).hasSize(2);
        }
    }

    @Test
    @DisplayName("with no login near the slot, the key published late still waits the full lead before it signs")
    void lateStillLeads() throws Exception {
        try (Fixture f = fixture()) {
            f.addUser("alice", "pw");
            String first = kid(f.login("alice", "pw"));
            f.clock.advance(INTERVAL.plusDays(2));
            Instant now = f.clock.instant();
            assertThat(kid(f.login("alice", "pw"))).isEqualTo(first);
            SigningKey next = f.stores.signingKeys().findAll().get(1);
            assertThat(next.activatesAt()).isEqualTo(now.plus(f.settings.keys().publishLead(f.settings.keyReloadInterval())));
        }
    }

    @Test
    @DisplayName("two nodes that find the same rotation due store one key between them, and both sign with it")
    void oneKeyPerSlot() throws Exception {
        try (Fixture f = fixture()) {
            AuthService node2 = Portcullis.builder().stores(f.stores).clock(f.clock).settings(f.settings)
                    .passwordHasher(Fixture.FAST).startCleanupJob(false).build();
            f.addUser("alice", "pw");
            f.login("alice", "pw");
            f.clock.advance(INTERVAL);
            f.login("alice", "pw");
            node2.login(new org.portcullis.auth.api.PasswordCredential("alice", "pw"), Fixture.CLIENT);
            assertThat(f.stores.signingKeys().findAll()).hasSize(2);
            f.clock.advance(Duration.ofMinutes(10));
            String a = kid(f.login("alice", "pw"));
            String b = kid(node2.login(new org.portcullis.auth.api.PasswordCredential("alice", "pw"), Fixture.CLIENT));
            assertThat(a).isEqualTo(b).isEqualTo(f.stores.signingKeys().findAll().get(1).kid());
            node2.close();
        }
    }

    @Test
    @DisplayName("a retired key leaves the JWK Set once its last token has expired, and the store once it stops verifying")
    void retiredKeyRemoved() throws Exception {
        try (Fixture f = fixture()) {
            f.addUser("alice", "pw");
            String first = kid(f.login("alice", "pw"));
            f.clock.advance(INTERVAL);
            f.login("alice", "pw");
            SigningKey old = f.stores.signingKeys().findAll().get(0);
            Instant retired = old.retiresAt().orElseThrow();
            Instant lastTokenGone = retired.plus(f.settings.accessTokenLifetime()).plus(f.settings.clockSkew());
            f.clock.setInstant(lastTokenGone.minusSeconds(1));
            assertThat(f.auth.publishedKeys().keyIds()).contains(first);
            f.clock.setInstant(lastTokenGone);
            assertThat(f.auth.publishedKeys().keyIds()).doesNotContain(first);

            f.clock.setInstant(old.expiresAt().orElseThrow().plus(INTERVAL));
            f.login("alice", "pw");
            assertThat(f.stores.signingKeys().findAll()).extracting(SigningKey::kid).doesNotContain(first);
        }
    }

    @Test
    @DisplayName("an interval of zero turns scheduled rotation off")
    void off() {
        try (Fixture f = new Fixture(b -> b.keys(AuthSettings.Keys.builder().rotationInterval(Duration.ZERO).build()))) {
            f.addUser("alice", "pw");
            f.login("alice", "pw");
            f.clock.advance(INTERVAL.multipliedBy(3));
            f.login("alice", "pw");
            assertThat(f.stores.signingKeys().findAll()).hasSize(1);
        }
    }
}
