package org.portcullis.auth.server;

import org.portcullis.auth.api.ExternalIdentityStore;
import org.portcullis.auth.api.Stores;

/** The storage the server runs on, and how to let go of it. */
interface Backend extends AutoCloseable {

    /** Every store, ready for the engine. */
    Stores stores();

    /** The links of external identities to users, on the same storage. */
    ExternalIdentityStore externalIdentities();

    /** Releases connections; idempotent; never throws. */
    @Override
    void close();
}
