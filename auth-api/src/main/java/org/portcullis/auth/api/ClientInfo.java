package org.portcullis.auth.api;

import java.util.Objects;

/**
 * Where a request came from, for throttling and the audit trail.
 *
 * @param ip        the client's IP address as text, or {@code ""} when unknown
 * @param userAgent the User-Agent header, or {@code ""} when absent; truncated to 512 characters
 */
public record ClientInfo(String ip, String userAgent) {

    /** Longest user agent kept, in characters. */
    public static final int MAX_USER_AGENT_LENGTH = 512;

    /** A client about which nothing is known. */
    public static final ClientInfo UNKNOWN = new ClientInfo("", "");

    public ClientInfo {
        ip = Objects.requireNonNullElse(ip, "");
        userAgent = Objects.requireNonNullElse(userAgent, "");
        if (userAgent.length() > MAX_USER_AGENT_LENGTH) {
            userAgent = userAgent.substring(0, MAX_USER_AGENT_LENGTH);
        }
    }

    /** A client known only by its IP. */
    public static ClientInfo ofIp(String ip) {
        return new ClientInfo(ip, "");
    }
}
