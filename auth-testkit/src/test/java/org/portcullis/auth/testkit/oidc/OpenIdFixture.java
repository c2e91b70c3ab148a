package org.portcullis.auth.testkit.oidc;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;

import org.portcullis.auth.api.AuditEvent;
import org.portcullis.auth.api.AuditEventType;
import org.portcullis.auth.api.AuthException;
import org.portcullis.auth.api.AuthService;
import org.portcullis.auth.api.AuthSettings;
import org.portcullis.auth.api.ClientInfo;
import org.portcullis.auth.api.ExternalAssertion;
import org.portcullis.auth.api.Stores;
import org.portcullis.auth.api.TokenPair;
import org.portcullis.auth.api.UserRecord;
import org.portcullis.auth.core.OpenIdProvider;
import org.portcullis.auth.core.Portcullis;
import org.portcullis.auth.store.memory.InMemoryAuditLog;
import org.portcullis.auth.store.memory.InMemoryExternalIdentityStore;
import org.portcullis.auth.store.memory.InMemoryStores;
import org.portcullis.auth.store.tck.MutableClock;
import org.portcullis.auth.testkit.FakeOpenIdProvider;
import org.portcullis.auth.testkit.PortcullisTestKit;

/** A service trusting one fake provider ({@code corp}, client {@code app}), on in-memory stores and a movable clock. */
final class OpenIdFixture implements AutoCloseable {

    static final String CLIENT_ID = "app";
    static final ClientInfo CLIENT = new ClientInfo("198.51.100.7", "fixture");

    final MutableClock clock = MutableClock.startingAt(Instant.parse("2031-03-04T10:11:12.345Z"));
    final FakeOpenIdProvider idp = FakeOpenIdProvider.start(clock);
    final Stores stores = InMemoryStores.create(clock);
    final InMemoryExternalIdentityStore links = new InMemoryExternalIdentityStore();
    final AuthService auth;

    OpenIdFixture(UnaryOperator<OpenIdProvider.Builder> provider) {
        this(provider, AuthSettings.defaults(), List.of());
    }

    OpenIdFixture(UnaryOperator<OpenIdProvider.Builder> provider, AuthSettings settings, List<OpenIdProvider> more) {
        this((idp, b) -> provider.apply(b), settings, more);
    }

    /** With a provider configuration that may read the fixture's own fake provider (its addresses). */
    OpenIdFixture(BiFunction<FakeOpenIdProvider, OpenIdProvider.Builder, OpenIdProvider.Builder> provider,
                  AuthSettings settings, List<OpenIdProvider> more) {
        Portcullis.Builder b = Portcullis.builder().stores(stores).clock(clock).settings(settings)
                .passwordHasher(PortcullisTestKit.TEST_HASHER).startCleanupJob(false)
                .openIdProvider(provider.apply(idp, idp.provider("corp", CLIENT_ID)).build())
                .externalIdentities(links);
        more.forEach(b::openIdProvider);
        auth = b.build();
    }

    TokenPair login(String idToken) {
        return auth.login(new ExternalAssertion("corp", idToken), CLIENT);
    }

    AuthException refused(String provider, String idToken, java.util.Optional<String> nonce, ClientInfo client) {
        try {
            auth.login(new ExternalAssertion(provider, idToken, nonce), client);
        } catch (AuthException e) {
            return e;
        }
        throw new AssertionError("the ID token was accepted");
    }

    AuthException refused(String idToken) {
        return refused("corp", idToken, java.util.Optional.empty(), CLIENT);
    }

    /** A local user with a password, as an administrator would create one. */
    UserRecord localUser(String username) {
        UserRecord u = new UserRecord(java.util.UUID.randomUUID().toString(), username,
                PortcullisTestKit.TEST_HASHER.hash("correct horse"), Set.of("staff"), true);
        stores.users().create(u);
        return u;
    }

    /** Links {@code subject} at {@code corp} to a new local user, and returns that user. */
    UserRecord linkedUser(String username, String subject) {
        UserRecord u = localUser(username);
        links.link(new org.portcullis.auth.api.ExternalIdentity("corp", subject, u.id(), clock.instant()));
        return u;
    }

    List<AuditEvent> events(AuditEventType type) {
        List<AuditEvent> out = new ArrayList<>();
        for (AuditEvent e : ((InMemoryAuditLog) stores.audit()).events()) {
            if (e.type() == type) {
                out.add(e);
            }
        }
        return out;
    }

    List<AuditEvent> allEvents() {
        return ((InMemoryAuditLog) stores.audit()).events();
    }

    @Override
    public void close() {
        auth.close();
        idp.close();
    }
}
