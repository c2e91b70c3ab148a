package org.portcullis.auth.http;

import org.portcullis.auth.api.UserRecord;
import org.portcullis.auth.api.UserStore;
import org.portcullis.auth.core.PasswordHasher;

import java.util.Set;

/** Users the tests log in as, with a deliberately cheap Argon2id so that tests stay fast. */
public final class TestUsers {

    /** Cheap parameters: for tests only. */
    public static final PasswordHasher HASHER = PasswordHasher.withParameters(64, 1, 1);

    public static final String ALICE = "alice";
    public static final String ALICE_PASSWORD = "correct horse battery staple";
    public static final String BOB = "bob";
    public static final String BOB_PASSWORD = "tr0ub4dor&3 but longer";

    private TestUsers() {
    }

    public static void seed(UserStore users) {
        users.create(new UserRecord("u-alice", ALICE, HASHER.hash(ALICE_PASSWORD), Set.of("user", "admin"), true));
        users.create(new UserRecord("u-bob", BOB, HASHER.hash(BOB_PASSWORD), Set.of("user"), true));
    }
}
