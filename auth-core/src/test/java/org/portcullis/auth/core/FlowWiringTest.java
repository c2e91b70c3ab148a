package org.portcullis.auth.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.DisplayName;
import org.portcullis.auth.api.SessionStore;
import org.portcullis.auth.api.StoreTransactions;
import org.portcullis.auth.api.Stores;
import org.portcullis.auth.core.internal.validate.SessionStatus;

/**
 * The structure that keeps "change a session" in one place: a flow that held the session store,
 * the transactions or the status view could change a session and forget the rest.
 */
@DisplayName("the flows' wiring")
class FlowWiringTest {

    /** What only SessionWrites (and the read-only parts it feeds) may hold. */
    private static final Set<Class<?>> FORBIDDEN = Set.of(SessionStore.class, Stores.class, StoreTransactions.class,
            SessionStatus.class);

    @ParameterizedTest(name = "{0} can reach no session write except through SessionWrites")
    @ValueSource(strings = {
            "org.portcullis.auth.core.internal.login.LoginFlow",
            "org.portcullis.auth.core.internal.refresh.RefreshFlow",
            "org.portcullis.auth.core.internal.session.SessionOps",
            "org.portcullis.auth.core.internal.session.SessionCleanup",
            "org.portcullis.auth.core.internal.DefaultAuthService"})
    void noDirectSessionWrites(String name) throws ClassNotFoundException {
        Class<?> flow = Class.forName(name);
        List<Class<?>> held = new ArrayList<>();
        for (Field field : flow.getDeclaredFields()) {
            held.add(field.getType());
        }
        for (Constructor<?> c : flow.getDeclaredConstructors()) {
            held.addAll(List.of(c.getParameterTypes()));
        }
        assertThat(held).isNotEmpty().doesNotContainAnyElementsOf(FORBIDDEN);
    }
}
