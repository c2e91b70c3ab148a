package org.portcullis.auth.server;

import org.portcullis.auth.api.UserRecord;
import org.portcullis.auth.api.UserStore;
import org.portcullis.auth.core.PasswordHasher;
import org.portcullis.auth.testkit.PortcullisTestKit;

import java.util.Set;

/** The two accounts the server tests log in as; hashed cheaply, as the testkit does. */
final class TestUsers {

    static final PasswordHasher HASHER = PortcullisTestKit.TEST_HASHER;

    static final String ALICE = "alice";
    static final String ALICE_PASSWORD = "correct horse battery staple";
    static final String BOB = "bob";
    static final String BOB_PASSWORD = "tr0ub4dor&3 but longer";

    private TestUsers() {
    }

    /** Alice is an admin, Bob an ordinary user. */
    static void seed(UserStore users) {
        users.create(new UserRecord("u-alice", ALICE, HASHER.hash(ALICE_PASSWORD), Set.of("user", "admin"), true));
        users.create(new UserRecord("u-bob", BOB, HASHER.hash(BOB_PASSWORD), Set.of("user"), true));
    }
}
