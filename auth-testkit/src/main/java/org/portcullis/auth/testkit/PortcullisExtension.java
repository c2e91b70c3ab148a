package org.portcullis.auth.testkit;

import org.portcullis.auth.store.tck.MutableClock;

import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Executable;
import java.lang.reflect.Parameter;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;
import org.portcullis.auth.api.AuthService;
import org.portcullis.auth.api.Stores;

/**
 * A JUnit 5 extension that gives every test a fresh {@link PortcullisTestKit} and injects it,
 * or its parts, as test-method parameters: {@link PortcullisTestKit}, {@link AuthService},
 * {@link MutableClock} (also as {@link Clock}), {@link TestTokens}, {@link Stores}, and
 * {@code String} access tokens annotated with {@link AccessToken}. Users come from
 * {@link WithUser} annotations on the test method, its class and enclosing classes.
 *
 * <p>Declaratively:
 * <pre>{@code
 * @ExtendWith(PortcullisExtension.class)
 * @WithUser(username = "alice", password = "secret")
 * class MyTest {
 *     @Test
 *     void test(AuthService auth, @AccessToken("alice") String token) { ... }
 * }
 * }</pre>
 *
 * <p>Or with a kit builder of your own (other settings, start time, users):
 * <pre>{@code
 * @RegisterExtension
 * final PortcullisExtension portcullis = PortcullisExtension.using(
 *         PortcullisTestKit.inMemory().withSettings(b -> b.refreshGraceWindow(Duration.ZERO)));
 * }</pre>
 *
 * <p>The kit is built before each test (before {@code @BeforeEach} methods) and closed after it.
 * Safe for parallel test execution: each test's kit lives in its own extension context.
 */
public final class PortcullisExtension implements BeforeEachCallback, AfterEachCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(PortcullisExtension.class);
    private static final String KIT = "kit";

    private final PortcullisTestKit.Builder template;
    private volatile PortcullisTestKit current;

    /** An extension whose kits start from {@link PortcullisTestKit#inMemory()}; used by {@code @ExtendWith}. */
    public PortcullisExtension() {
        this(PortcullisTestKit.inMemory());
    }

    private PortcullisExtension(PortcullisTestKit.Builder template) {
        this.template = Objects.requireNonNull(template, "template");
    }

    /**
     * An extension whose kits start from {@code builder} (its settings, start time and users),
     * plus any {@link WithUser} annotations. The builder is copied; later changes to it are ignored.
     */
    public static PortcullisExtension using(PortcullisTestKit.Builder builder) {
        return new PortcullisExtension(builder.copy());
    }

    /**
     * The kit of the test running now, for tests that hold the extension in a
     * {@code @RegisterExtension} instance field.
     *
     * @throws IllegalStateException outside a test
     */
    public PortcullisTestKit kit() {
        PortcullisTestKit kit = current;
        if (kit == null) {
            throw new IllegalStateException("no test is running");
        }
        return kit;
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        PortcullisTestKit.Builder builder = template.copy();
        for (WithUser u : usersFor(context)) {
            builder.withUser(u.username(), u.password(), u.roles());
        }
        PortcullisTestKit kit = builder.build();
        context.getStore(NAMESPACE).put(KIT, kit);
        current = kit;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        PortcullisTestKit kit = context.getStore(NAMESPACE).remove(KIT, PortcullisTestKit.class);
        if (kit != null) {
            kit.close();
        }
        current = null;
    }

    /** Outermost class first, then inner classes, then the method: each place adds its users. */
    private static List<WithUser> usersFor(ExtensionContext context) {
        List<AnnotatedElement> places = new ArrayList<>();
        for (Class<?> c = context.getRequiredTestClass(); c != null; c = c.getEnclosingClass()) {
            places.add(0, c);
        }
        context.getTestMethod().ifPresent(places::add);
        List<WithUser> users = new ArrayList<>();
        for (AnnotatedElement place : places) {
            users.addAll(AnnotationSupport.findRepeatableAnnotations(place, WithUser.class));
        }
        return users;
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        Class<?> type = parameterContext.getParameter().getType();
        if (parameterContext.isAnnotated(AccessToken.class)) {
            return type == String.class;
        }
        return type == PortcullisTestKit.class || type == AuthService.class || type == MutableClock.class
                || type == Clock.class || type == TestTokens.class || type == Stores.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        PortcullisTestKit kit = kitOf(extensionContext);
        Class<?> type = parameterContext.getParameter().getType();
        if (parameterContext.isAnnotated(AccessToken.class)) {
            return tokensFor(parameterContext.getDeclaringExecutable(), kit, extensionContext)
                    .get(parameterContext.getIndex());
        }
        if (type == PortcullisTestKit.class) {
            return kit;
        }
        if (type == AuthService.class) {
            return kit.service();
        }
        if (type == MutableClock.class || type == Clock.class) {
            return kit.clock();
        }
        if (type == TestTokens.class) {
            return kit.tokens();
        }
        return kit.stores();
    }

    private static PortcullisTestKit kitOf(ExtensionContext context) {
        for (Optional<ExtensionContext> c = Optional.of(context); c.isPresent(); c = c.get().getParent()) {
            PortcullisTestKit kit = c.get().getStore(NAMESPACE).get(KIT, PortcullisTestKit.class);
            if (kit != null) {
                return kit;
            }
        }
        throw new ParameterResolutionException("the Portcullis kit is made per test method; "
                + "it cannot be injected into constructors or @BeforeAll methods");
    }

    /**
     * Mints every {@link AccessToken} parameter of one method at once: expired tokens first,
     * then one move of the clock, then the others, so that the order of parameters does not matter.
     */
    @SuppressWarnings("unchecked")
    private static Map<Integer, String> tokensFor(Executable executable, PortcullisTestKit kit, ExtensionContext context) {
        ExtensionContext.Store store = context.getStore(NAMESPACE);
        Object key = List.of("tokens", executable, kit);
        return (Map<Integer, String>) store.getOrComputeIfAbsent(key, k -> mint(executable, kit), Map.class);
    }

    private static Map<Integer, String> mint(Executable executable, PortcullisTestKit kit) {
        Parameter[] parameters = executable.getParameters();
        Map<Integer, String> tokens = new HashMap<>();
        List<Integer> expired = new ArrayList<>();
        for (int i = 0; i < parameters.length; i++) {
            AccessToken a = parameters[i].getAnnotation(AccessToken.class);
            if (a != null && a.kind() == AccessToken.Kind.EXPIRED) {
                tokens.put(i, kit.tokens().valid(a.value()));
                expired.add(i);
            }
        }
        if (!expired.isEmpty()) {
            kit.clock().advance(kit.settings().accessTokenLifetime().plus(kit.settings().clockSkew())
                    .plus(java.time.Duration.ofSeconds(1)));
        }
        TestTokens t = kit.tokens();
        for (int i = 0; i < parameters.length; i++) {
            AccessToken a = parameters[i].getAnnotation(AccessToken.class);
            if (a == null || a.kind() == AccessToken.Kind.EXPIRED) {
                continue;
            }
            String user = a.value();
            tokens.put(i, switch (a.kind()) {
                case VALID -> t.valid(user);
                case REVOKED -> t.revoked(user);
                case TAMPERED_PAYLOAD -> t.tamperedPayload(user);
                case TAMPERED_SIGNATURE -> t.tamperedSignature(user);
                case UNSIGNED -> t.unsigned(user);
                case FOREIGN -> t.foreign(user);
                case EXPIRED -> throw new AssertionError("minted above");
            });
        }
        return Map.copyOf(tokens);
    }
}
