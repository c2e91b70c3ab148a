package org.portcullis.auth.core;

import org.portcullis.auth.store.tck.MutableClock;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.UnaryOperator;

import org.portcullis.auth.api.AuditEvent;
import org.portcullis.auth.api.AuditEventType;
import org.portcullis.auth.api.AuthService;
import org.portcullis.auth.api.AuthSettings;
import org.portcullis.auth.api.ClientInfo;
import org.portcullis.auth.api.PasswordCredential;
import org.portcullis.auth.api.Stores;
import org.portcullis.auth.api.TokenPair;
import org.portcullis.auth.api.UserRecord;
import org.portcullis.auth.store.memory.InMemoryAuditLog;
import org.portcullis.auth.store.memory.InMemoryStores;

/** An engine on in-memory stores with a movable clock and cheap password hashing. */
final class Fixture implements AutoCloseable {

    static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
    /** Cheap Argon2id parameters: the tests check behaviour, not hashing cost. */
    static final PasswordHasher FAST = PasswordHasher.withParameters(64, 1, 1);
    static final ClientInfo CLIENT = new ClientInfo("203.0.113.5", "junit");

    final MutableClock clock = MutableClock.startingAt(START);
    final Stores stores = InMemoryStores.create(clock);
    final InMemoryAuditLog audit = (InMemoryAuditLog) stores.audit();
    final AuthSettings settings;
    final AuthService auth;

    Fixture() {
        this(b -> b);
    }

    Fixture(UnaryOperator<AuthSettings.Builder> settings) {
        this.settings = settings.apply(AuthSettings.builder()).build();
        this.auth = Portcullis.builder().stores(stores).clock(clock).settings(this.settings)
                .passwordHasher(FAST).startCleanupJob(false).build();
    }

    String addUser(String username, String password, String... roles) {
        String id = UUID.randomUUID().toString();
        stores.users().create(new UserRecord(id, username, FAST.hash(password), Set.of(roles), true));
        return id;
    }

    TokenPair login(String username, String password) {
        return auth.login(new PasswordCredential(username, password), CLIENT);
    }

    TokenPair login(String username, String password, ClientInfo client) {
        return auth.login(new PasswordCredential(username, password), client);
    }

    List<AuditEvent> events(AuditEventType type) {
        return audit.events().stream().filter(e -> e.type() == type).toList();
    }

    @Override
    public void close() {
        auth.close();
    }

    /**
     * {@code users}, with {@code afterCall} given the name of each of its methods once the call has
     * returned normally (a test's probe: count reads, or act at a precise moment of a flow).
     */
    static org.portcullis.auth.api.UserStore observed(org.portcullis.auth.api.UserStore users,
                                                        java.util.function.Consumer<String> afterCall) {
        return (org.portcullis.auth.api.UserStore) java.lang.reflect.Proxy.newProxyInstance(
                org.portcullis.auth.api.UserStore.class.getClassLoader(),
                new Class<?>[] {org.portcullis.auth.api.UserStore.class},
                (proxy, method, args) -> {
                    Object result;
                    try {
                        result = method.invoke(users, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                    afterCall.accept(method.getName());
                    return result;
                });
    }
}
