package org.portcullis.auth.core;

import org.portcullis.auth.api.AuditEvent;
import org.portcullis.auth.api.AuditSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link AuditSink} that writes each event as one line to the SLF4J logger
 * {@code org.portcullis.audit}: successes at INFO, failures at WARN. Events carry no secrets,
 * so neither do the lines. Thread-safe; never throws for a logging backend's sake.
 */
public final class Slf4jAuditSink implements AuditSink {

    private static final Logger LOG = LoggerFactory.getLogger("org.portcullis.audit");

    /** A sink writing to the logger {@code org.portcullis.audit}. */
    public Slf4jAuditSink() {
    }

    @Override
    public void record(AuditEvent e) {
        if (e.outcome() == AuditEvent.Outcome.SUCCESS) {
            if (LOG.isInfoEnabled()) {
                LOG.info(format(e));
            }
        } else if (LOG.isWarnEnabled()) {
            LOG.warn(format(e));
        }
    }

    static String format(AuditEvent e) {
        return "audit type=" + e.type() + " outcome=" + e.outcome() + " at=" + e.at()
                + " userId=" + e.userId().orElse("-") + " username=" + clean(e.username().orElse("-"))
                + " sessionId=" + e.sessionId().orElse("-") + " ip=" + clean(e.clientIp())
                + " reason=" + clean(e.reason()) + " id=" + e.id();
    }

    // A username or user agent comes from the client: keep log lines single and unforgeable
    // (OWASP ASVS V7.3.1, log injection). Besides control characters (CR, LF, NEL, ESC), Unicode
    // line and paragraph separators end a line in many viewers, and format characters (bidi
    // overrides, zero-width ones) make a line read otherwise than it is.
    private static String clean(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            int type = Character.getType(c);
            boolean unsafe = Character.isISOControl(c) || type == Character.LINE_SEPARATOR
                    || type == Character.PARAGRAPH_SEPARATOR || type == Character.FORMAT;
            b.append(unsafe ? '?' : c);
        }
        return b.toString();
    }
}
