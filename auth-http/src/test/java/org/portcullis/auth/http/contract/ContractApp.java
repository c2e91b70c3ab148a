package org.portcullis.auth.http.contract;

/**
 * The application that each leg of {@link HttpContractSuite} hosts behind the library, written
 * with its own server's idioms, so that the suite checks how the principal reaches application
 * code on that server:
 * <ul>
 *   <li>{@code GET} {@value #PUBLIC_PATH} answers {@value #PUBLIC_BODY} (under the anonymous rule
 *       {@code /app/public/**} of {@link HttpContractSuite#handler});</li>
 *   <li>{@code GET} {@value #WHOAMI_PATH} and {@code GET} {@value #ADMIN_PATH} answer
 *       {@link #describe} of the principal as the server hands it over ({@code text/plain}), and
 *       the principal's user id in the header {@value #USER_ID_HEADER}; {@value #ADMIN_PATH} is under
 *       the rule {@code /app/admin/**} asking for role {@code admin} or {@code ops}.</li>
 * </ul>
 */
public final class ContractApp {

    public static final String PUBLIC_PATH = "/app/public/hello";
    public static final String PUBLIC_BODY = "hello";
    public static final String WHOAMI_PATH = "/app/whoami";
    public static final String ADMIN_PATH = "/app/admin/report";
    public static final String USER_ID_HEADER = "X-User-Id";

    private ContractApp() {
    }

    /** What the application answers for a caller: the name the server gives and whether it is in role {@code admin}. */
    public static String describe(String username, boolean admin) {
        return "user=" + username + ";admin=" + admin;
    }
}
