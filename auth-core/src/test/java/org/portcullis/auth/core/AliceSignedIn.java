package org.portcullis.auth.core;

import static org.portcullis.auth.core.LoginTest.catchAuth;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.portcullis.auth.api.ErrorCode;
import org.portcullis.auth.api.TokenPair;

/** The start of every validation test: a fresh engine with alice (role {@code reader}) logged in. */
abstract class AliceSignedIn {

    final Fixture f = new Fixture();
    String aliceId;
    TokenPair pair;

    @BeforeEach
    void aliceLogsIn() {
        aliceId = f.addUser("alice", "wonderland", "reader");
        pair = f.login("alice", "wonderland");
    }

    @AfterEach
    void closeFixture() {
        f.close();
    }

    /** The error code validating {@code token} fails with. */
    ErrorCode codeOf(String token) {
        return catchAuth(() -> f.auth.validate(token)).code();
    }
}
