package org.portcullis.auth.testkit;

import org.portcullis.auth.store.tck.MutableClock;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
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
import org.portcullis.auth.core.PasswordHasher;
import org.portcullis.auth.core.Portcullis;
import org.portcullis.auth.store.memory.InMemoryAuditLog;
import org.portcullis.auth.store.memory.InMemoryStores;

/**
 * A fully wired {@link AuthService} for application tests, in one line: in-memory stores, a
 * {@link MutableClock}, users registered up front, cheap password hashing, no background
 * cleanup thread.
 *
 * <pre>{@code
 * try (PortcullisTestKit kit = PortcullisTestKit.inMemory().withUser("alice", "secret", "admin").build()) {
 *     String token = kit.tokens().valid("alice");
 *     AuthPrincipal me = kit.service().validate(token);
 *     kit.clock().advance(Duration.ofMinutes(21));   // now the token is expired
 * }
 * }</pre>
 *
 * <p>Password hashing uses Argon2id with deliberately weak parameters ({@link #TEST_HASHER}) so
 * that a login costs well under a millisecond; never copy them into production.
 *
 * <p>Thread-safe as far as its parts are: the service, the stores and the clock may be used from
 * many threads. Close the kit (or let {@link PortcullisExtension} do it) to stop the service.
 */
public final class PortcullisTestKit implements AutoCloseable {

    /** Argon2id with m=64 KiB, t=1, p=1: fast, and for tests only. */
    public static final PasswordHasher TEST_HASHER = PasswordHasher.withParameters(64, 1, 1);
    /** The client every kit login comes from, unless a test says otherwise. */
    public static final ClientInfo TEST_CLIENT = new ClientInfo("192.0.2.1", "portcullis-testkit");

    private final MutableClock clock;
    private final Stores stores;
    private final AuthSettings settings;
    private final AuthService service;
    private final Map<String, RegisteredUser> users;
    private final TestTokens tokens;

    private record RegisteredUser(String id, String password, Set<String> roles) {
        @Override
        public String toString() {
            return "RegisteredUser[id=" + id + ", password=***]";
        }
    }

    private PortcullisTestKit(Builder b) {
        this.clock = MutableClock.startingAt(b.start);
        this.stores = InMemoryStores.create(clock);
        this.settings = b.settings;
        Map<String, RegisteredUser> registered = new LinkedHashMap<>();
        for (UserSpec u : b.users) {
            String id = u.id().orElseGet(() -> UUID.randomUUID().toString());
            UserRecord record = new UserRecord(id, u.username(), TEST_HASHER.hash(u.password()), u.roles(), u.enabled());
            if (!stores.users().create(record)) {
                throw new IllegalArgumentException("user registered twice: " + record.username());
            }
            registered.put(record.username(), new RegisteredUser(id, u.password(), record.roles()));
        }
        this.users = Map.copyOf(registered);
        this.service = Portcullis.builder()
                .stores(stores)
                .clock(clock)
                .settings(settings)
                .passwordHasher(TEST_HASHER)
                .startCleanupJob(false)
                .build();
        this.tokens = new TestTokens(this);
    }

    /** A builder for a kit on in-memory stores, with default settings and no users yet. */
    public static Builder inMemory() {
        return new Builder();
    }

    /** The service under test. */
    public AuthService service() {
        return service;
    }

    /** The clock the service and the stores read; move it instead of sleeping. */
    public MutableClock clock() {
        return clock;
    }

    /** The in-memory stores behind the service. */
    public Stores stores() {
        return stores;
    }

    /** The settings in force. */
    public AuthSettings settings() {
        return settings;
    }

    /** The audit log the service writes to. */
    public InMemoryAuditLog auditLog() {
        return (InMemoryAuditLog) stores.audit();
    }

    /** Every audit event so far, oldest first (a snapshot). */
    public List<AuditEvent> auditEvents() {
        return auditLog().events();
    }

    /** The audit events of one type so far, oldest first. */
    public List<AuditEvent> auditEvents(AuditEventType type) {
        List<AuditEvent> matching = new ArrayList<>();
        for (AuditEvent e : auditEvents()) {
            if (e.type() == type) {
                matching.add(e);
            }
        }
        return matching;
    }

    /** Minting of valid, expired and tampered access tokens for the registered users. */
    public TestTokens tokens() {
        return tokens;
    }

    /**
     * The id of a registered user.
     *
     * @throws IllegalArgumentException if no user of that name was registered with the builder
     */
    public String userId(String username) {
        return registered(username).id();
    }

    /** The roles a registered user was given. */
    Set<String> rolesOf(String username) {
        return registered(username).roles();
    }

    /** Logs a registered user in with the password given at registration, from {@link #TEST_CLIENT}. */
    public TokenPair login(String username) {
        return login(username, registered(username).password());
    }

    /**
     * Logs in with any username and password, from {@link #TEST_CLIENT}.
     *
     * @throws org.portcullis.auth.api.AuthException as {@link AuthService#login} does
     */
    public TokenPair login(String username, String password) {
        return service.login(new PasswordCredential(username, password), TEST_CLIENT);
    }

    private RegisteredUser registered(String username) {
        RegisteredUser u = users.get(UserRecord.normalize(username));
        if (u == null) {
            throw new IllegalArgumentException("no user registered as '" + username + "'; registered: " + users.keySet());
        }
        return u;
    }

    /** Stops the service. The stores keep their contents until the kit is garbage. */
    @Override
    public void close() {
        service.close();
    }

    @Override
    public String toString() {
        return "PortcullisTestKit[users=" + users.keySet() + ", clock=" + clock + "]";
    }

    private record UserSpec(Optional<String> id, String username, String password, Set<String> roles,
                            boolean enabled) {
    }

    /**
     * Builds a {@link PortcullisTestKit}. A builder may build many kits (the JUnit extension
     * builds one per test); each is fresh. Not thread-safe.
     */
    public static final class Builder {
        private final List<UserSpec> users = new ArrayList<>();
        private AuthSettings settings = AuthSettings.defaults();
        private Instant start = MutableClock.DEFAULT_START;

        private Builder() {
        }

        /** Registers an enabled user with a random id. */
        public Builder withUser(String username, String password, String... roles) {
            users.add(new UserSpec(Optional.empty(), username, password, Set.of(roles), true));
            return this;
        }

        /** Registers an enabled user with the given id (when the application's own data refers to it). */
        public Builder withUserId(String userId, String username, String password, Set<String> roles) {
            users.add(new UserSpec(Optional.of(userId), username, password, roles, true));
            return this;
        }

        /** Registers a user who exists but may not log in ({@code ACCOUNT_DISABLED}). */
        public Builder withDisabledUser(String username, String password, String... roles) {
            users.add(new UserSpec(Optional.empty(), username, password, Set.of(roles), false));
            return this;
        }

        /** Uses these settings instead of {@link AuthSettings#defaults()}. */
        public Builder withSettings(AuthSettings settings) {
            this.settings = Objects.requireNonNull(settings, "settings");
            return this;
        }

        /** Adjusts the settings, starting from the current ones: {@code b -> b.refreshGraceWindow(Duration.ZERO)}. */
        public Builder withSettings(UnaryOperator<AuthSettings.Builder> change) {
            this.settings = change.apply(settings.toBuilder()).build();
            return this;
        }

        /** Starts the clock at {@code instant} instead of {@link MutableClock#DEFAULT_START}. */
        public Builder startingAt(Instant instant) {
            this.start = Objects.requireNonNull(instant, "instant");
            return this;
        }

        /** An independent copy of this builder. */
        Builder copy() {
            Builder b = new Builder();
            b.users.addAll(users);
            b.settings = settings;
            b.start = start;
            return b;
        }

        /**
         * Builds a fresh kit: new stores, a new clock at the start instant, the users registered.
         *
         * @throws IllegalArgumentException if two users share a username or an id
         */
        public PortcullisTestKit build() {
            return new PortcullisTestKit(this);
        }
    }
}
