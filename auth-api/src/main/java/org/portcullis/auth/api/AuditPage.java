package org.portcullis.auth.api;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One page of audit events.
 *
 * @param events     at most the query's limit, in (time, id) order
 * @param nextCursor present when more events may follow
 */
public record AuditPage(List<AuditEvent> events, Optional<String> nextCursor) {

    public AuditPage {
        events = List.copyOf(events);
        Objects.requireNonNull(nextCursor, "nextCursor");
    }
}
