package org.portcullis.auth.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Registers a user in the kit that {@link PortcullisExtension} builds for each test. Put it on
 * the test class (every test gets the user), on an enclosing class of a {@code @Nested} class,
 * or on one test method. Repeatable.
 *
 * <pre>{@code
 * @ExtendWith(PortcullisExtension.class)
 * @WithUser(username = "alice", password = "secret", roles = "admin")
 * class AdminEndpointTest { ... }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@Repeatable(WithUsers.class)
public @interface WithUser {

    /** The login name. */
    String username();

    /** The password; the kit stores only its hash. */
    String password();

    /** Role names. */
    String[] roles() default {};
}
