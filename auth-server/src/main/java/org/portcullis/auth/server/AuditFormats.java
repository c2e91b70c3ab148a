package org.portcullis.auth.server;

import org.portcullis.auth.api.AuditEvent;

/**
 * One audit event as a CSV row (RFC 4180) or a JSON line (RFC 8259, one object per line).
 *
 * <p>CSV cells that a spreadsheet would read as a formula (starting with {@code = + - @}, tab or
 * carriage return) are prefixed with a single quote: client-supplied text such as a user agent
 * or a username ends up in this file, and an operator opens it in a spreadsheet (OWASP, "CSV
 * Injection"). Stateless.
 */
final class AuditFormats {

    static final String CSV_HEADER = "id,at,type,outcome,user_id,username,session_id,client_ip,user_agent,reason\r\n";

    private AuditFormats() {
    }

    static String csv(AuditEvent e) {
        return String.join(",", cell(e.id()), cell(e.at().toString()), cell(e.type().name()), cell(e.outcome().name()),
                cell(e.userId().orElse("")), cell(e.username().orElse("")), cell(e.sessionId().orElse("")),
                cell(e.clientIp()), cell(e.userAgent()), cell(e.reason())) + "\r\n";
    }

    static String jsonl(AuditEvent e) {
        StringBuilder sb = new StringBuilder(256).append('{');
        field(sb, "id", e.id()).append(',');
        field(sb, "at", e.at().toString()).append(',');
        field(sb, "type", e.type().name()).append(',');
        field(sb, "outcome", e.outcome().name()).append(',');
        field(sb, "userId", e.userId().orElse(null)).append(',');
        field(sb, "username", e.username().orElse(null)).append(',');
        field(sb, "sessionId", e.sessionId().orElse(null)).append(',');
        field(sb, "clientIp", e.clientIp()).append(',');
        field(sb, "userAgent", e.userAgent()).append(',');
        field(sb, "reason", e.reason());
        return sb.append("}\n").toString();
    }

    private static String cell(String v) {
        String s = v;
        if (!s.isEmpty() && "=+-@\t\r".indexOf(s.charAt(0)) >= 0) {
            s = "'" + s;
        }
        if (s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0) {
            return '"' + s.replace("\"", "\"\"") + '"';
        }
        return s;
    }

    private static StringBuilder field(StringBuilder sb, String name, String value) {
        sb.append('"').append(name).append("\":");
        if (value == null) {
            return sb.append("null");
        }
        sb.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"');
    }
}
