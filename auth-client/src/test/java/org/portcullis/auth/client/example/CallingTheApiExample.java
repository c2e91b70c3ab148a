package org.portcullis.auth.client.example;

import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Objects;

import org.portcullis.auth.client.AuthClient;
import org.portcullis.auth.client.AuthClientException;
import org.portcullis.auth.client.ServerUnavailableException;
import org.portcullis.auth.client.SessionGoneException;
import org.portcullis.auth.client.SessionInfo;
import org.portcullis.auth.client.UserInfo;

/**
 * The example of the README section "Calling the API from Java": log in, call endpoints through
 * the client (which refreshes the token on its own), handle the failures a program can act on,
 * log out.
 *
 * <p>Run it against a running server:
 * <pre>
 * PORTCULLIS_PASSWORD=... java -cp ... org.portcullis.auth.client.example.CallingTheApiExample http://localhost:8080/ alice
 * </pre>
 * The password comes from the environment, not the command line, where other users of the
 * machine could read it.
 */
public final class CallingTheApiExample {

    private CallingTheApiExample() {
    }

    public static void main(String[] args) {
        URI server = URI.create(args.length > 0 ? args[0] : "http://localhost:8080/");
        String username = args.length > 1 ? args[1] : "alice";
        String password = Objects.requireNonNull(System.getenv("PORTCULLIS_PASSWORD"),
                "set PORTCULLIS_PASSWORD to the user's password");
        // One client for the whole program: it is thread-safe, and it shares one refresh among all threads.
        AuthClient auth = AuthClient.builder(server).build();
        System.exit(run(auth, server, username, password, System.out));
    }

    /** The example proper; returns a process exit code. */
    public static int run(AuthClient auth, URI server, String username, String password, PrintStream out) {
        try {
            auth.login(username, password);

            UserInfo me = auth.me();
            out.println("Logged in as " + me.username() + " with roles " + me.roles());

            // Any request of the application: the client attaches a fresh bearer token, and after
            // a 401 refreshes once and sends it again.
            HttpResponse<String> lookup = auth.send(
                    HttpRequest.newBuilder(server.resolve("common/lookup")).GET(),
                    HttpResponse.BodyHandlers.ofString());
            out.println("GET /common/lookup -> " + lookup.statusCode());

            for (SessionInfo session : auth.sessions()) {
                out.println("session " + session.id() + (session.current() ? " (this one)" : "")
                        + " since " + session.createdAt());
            }

            // Long-running programs simply keep calling: ensureValidToken() refreshes 30 seconds
            // before expiry, so no request ever carries an expired token.
            out.println("token valid: " + !auth.ensureValidToken().isEmpty());

            auth.logout();
            out.println("Logged out");
            return 0;
        } catch (SessionGoneException e) {
            // Revoked elsewhere, reused, or expired: the client has forgotten the tokens; log in again.
            out.println("Session ended (" + e.code() + "); please log in again");
            return 2;
        } catch (ServerUnavailableException e) {
            out.println("Server unavailable (" + e.code() + "); try again later");
            return 3;
        } catch (AuthClientException e) {
            // INVALID_CREDENTIALS, THROTTLED (see e.retryAfter()), ...
            out.println("Failed: " + e.code() + e.retryAfter().map(d -> ", retry in " + d.toSeconds() + " s").orElse(""));
            return 1;
        }
    }
}
