package org.portcullis.auth.core;

import org.portcullis.auth.store.tck.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.portcullis.auth.core.LoginTest.catchAuth;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.portcullis.auth.api.AuthPrincipal;
import org.portcullis.auth.api.AuthService;
import org.portcullis.auth.api.ErrorCode;
import org.portcullis.auth.api.PasswordCredential;
import org.portcullis.auth.api.SessionStore;
import org.portcullis.auth.api.Stores;
import org.portcullis.auth.api.TokenPair;
import org.portcullis.auth.api.UserRecord;
import org.portcullis.auth.store.memory.InMemoryStores;

/**
 * A revocation that lands between another request's store write and its update of this node's
 * session-status view. The store hook below runs the revocation exactly there, in order, so the
 * interleaving is forced rather than hoped for.
 */
@DisplayName("revocation racing a refresh on the same node")
class RevocationRaceTest {

    private final MutableClock clock = MutableClock.startingAt(Fixture.START);
    private final Stores base = InMemoryStores.create(clock);
    private final AtomicReference<Runnable> afterRotate = new AtomicReference<>();
    private final AuthService auth;

    RevocationRaceTest() {
        SessionStore hooked = (SessionStore) Proxy.newProxyInstance(SessionStore.class.getClassLoader(),
                new Class<?>[] {SessionStore.class}, (proxy, method, args) -> {
                    Object result;
                    try {
                        result = method.invoke(base.sessions(), args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    if (method.getName().equals("rotate")) {
                        Runnable hook = afterRotate.getAndSet(null);
                        if (hook != null) {
                            hook.run();
                        }
                    }
                    return result;
                });
        Stores stores = new Stores(base.users(), hooked, base.attempts(), base.signingKeys(), base.audit(),
                base.transactions());
        auth = Portcullis.builder().stores(stores).clock(clock).passwordHasher(Fixture.FAST)
                .startCleanupJob(false).build();
        base.users().create(new UserRecord("u-alice", "alice", Fixture.FAST.hash("pw"), Set.of(), true));
    }

    @AfterEach
    void close() {
        auth.close();
    }

    @Test
    @DisplayName("a logout between a refresh's rotation and its status update still refuses the session's tokens at once")
    void logoutDuringRefresh() {
        TokenPair first = auth.login(new PasswordCredential("alice", "pw"), Fixture.CLIENT);
        AuthPrincipal caller = auth.validate(first.accessToken());
        afterRotate.set(() -> auth.logout(caller, Fixture.CLIENT));

        TokenPair second = auth.refresh(first.accessToken(), first.refreshToken(), Fixture.CLIENT);

        assertThat(base.sessions().find(first.sessionId()).orElseThrow().revokedAt()).isPresent();
        assertThat(catchAuth(() -> auth.validate(first.accessToken())).code()).isEqualTo(ErrorCode.TOKEN_REVOKED);
        assertThat(catchAuth(() -> auth.validate(second.accessToken())).code()).isEqualTo(ErrorCode.TOKEN_REVOKED);
    }
}
