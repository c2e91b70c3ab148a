package org.portcullis.auth.server;

import org.portcullis.auth.api.Stores;

/** The storage the server runs on, and how to let go of it. */
interface Backend extends AutoCloseable {

    /** Every store, ready for the engine. */
    Stores stores();

    /** Releases connections; idempotent; never throws. */
    @Override
    void close();
}
