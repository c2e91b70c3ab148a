package org.portcullis.auth.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("ForwardingSessionStore")
class ForwardingSessionStoreTest {

    @Test
    @DisplayName("declares every instance method of SessionStore, default methods included, so none falls back to the interface's default")
    void forwardsEveryMethod() {
        List<String> missing = Arrays.stream(SessionStore.class.getMethods())
                .filter(m -> !Modifier.isStatic(m.getModifiers()))
                .filter(m -> !declares(m))
                .map(Method::getName)
                .toList();
        assertThat(missing).as("SessionStore methods ForwardingSessionStore does not forward").isEmpty();
    }

    private static boolean declares(Method m) {
        try {
            ForwardingSessionStore.class.getDeclaredMethod(m.getName(), m.getParameterTypes());
            return true;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }
}
