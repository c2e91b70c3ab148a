package org.portcullis.auth.http.internal;

import java.io.IOException;
import java.io.InputStream;

/** Request bodies left unread. */
public final class Bodies {

    /** Most request-body bytes read and thrown away after an answer: 1 MiB. */
    public static final long DRAIN_LIMIT = 1024 * 1024;

    private Bodies() {
    }

    /**
     * Reads and discards what is left of a request body, up to {@link #DRAIN_LIMIT}. An answer
     * sent while unread bytes wait in the socket can be lost: closing such a connection resets
     * it, and the client may never read the answer (a 413 or a 401, say). Past the limit the
     * caller should close the connection instead.
     *
     * @return whether the body was read to its end
     */
    public static boolean drain(InputStream body) {
        try {
            long left = DRAIN_LIMIT;
            byte[] buf = new byte[8192];
            while (left > 0) {
                int n = body.read(buf, 0, (int) Math.min(buf.length, left));
                if (n < 0) {
                    return true;
                }
                left -= n;
            }
            return body.read() < 0;
        } catch (IOException e) {
            return false;
        }
    }
}
