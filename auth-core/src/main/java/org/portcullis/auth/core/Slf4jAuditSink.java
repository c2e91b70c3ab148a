package org.portcullis.auth.core;

import org.portcullis.auth.api.AuditEvent;
import org.portcullis.auth.api.AuditSink;
import org.portcullis.auth.api.text.LogText;
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

    // Any field may carry client text (a username, a user agent, an application's own user id):
    // every one goes through the project's one log-line neutraliser (OWASP ASVS V7.3.1).
    static String format(AuditEvent e) {
        return "audit type=" + e.type() + " outcome=" + e.outcome() + " at=" + e.at()
                + " userId=" + LogText.neutralise(e.userId().orElse(null))
                + " username=" + LogText.neutralise(e.username().orElse(null))
                + " sessionId=" + LogText.neutralise(e.sessionId().orElse(null)) + " ip=" + LogText.neutralise(e.clientIp())
                + " reason=" + LogText.neutralise(e.reason()) + " id=" + e.id();
    }
}
