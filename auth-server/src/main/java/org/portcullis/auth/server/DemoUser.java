package org.portcullis.auth.server;

import org.portcullis.auth.api.UserRecord;
import org.portcullis.auth.api.UserStore;
import org.portcullis.auth.core.PasswordHasher;

import java.io.PrintStream;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Seeds the demo user so that a newcomer can log in at once, on the default H2 file only: a
 * database given by URL (PostgreSQL, or an H2 file someone chose) is never seeded and nothing is
 * printed for it ({@link ServerConfig#demoSeed()}). Its password is printed when the user is
 * created, and only then: it is either {@code PORTCULLIS_DEMO_PASSWORD} or a random one.
 * On later starts an existing demo user is kept; if {@code PORTCULLIS_DEMO_PASSWORD} is set and no
 * longer matches, the password is reset to it, so a scripted start always knows the password.
 */
final class DemoUser {

    private DemoUser() {
    }

    static void seed(ServerConfig config, UserStore users, PasswordHasher hasher, SecureRandom random, PrintStream out) {
        if (!config.demoSeed()) {
            return;
        }
        String username = UserRecord.normalize(config.demoUser());
        Optional<UserRecord> existing = users.findByUsername(username);
        if (existing.isEmpty()) {
            String password = config.demoPassword().orElseGet(() -> randomPassword(random));
            users.create(new UserRecord(UUID.randomUUID().toString(), username, hasher.hash(password), Set.of("user"), true));
            out.println("Demo user created:  username: " + username + "  password: " + password);
            return;
        }
        UserRecord user = existing.get();
        if (config.demoPassword().isPresent() && !hasher.verify(config.demoPassword().get(), user.passwordHash())) {
            users.updatePasswordHash(user.id(), user.passwordHash(), hasher.hash(config.demoPassword().get()));
            out.println("Demo user " + username + " exists; its password was reset to PORTCULLIS_DEMO_PASSWORD.");
        } else {
            out.println("Demo user " + username + " exists; its password is the one printed when it was created"
                    + (config.demoPassword().isPresent() ? " (PORTCULLIS_DEMO_PASSWORD)." : "."));
        }
    }

    private static String randomPassword(SecureRandom random) {
        byte[] bytes = new byte[15];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
