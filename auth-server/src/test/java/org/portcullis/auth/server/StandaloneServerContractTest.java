package org.portcullis.auth.server;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.auth.http.AuthHttpHandler;
import org.portcullis.auth.http.contract.HttpContractSuite;
import org.portcullis.auth.store.tck.MutableClock;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

/**
 * The HTTP contract against the standalone server, started in process on a loopback port with
 * alice and bob seeded (the accounts the suite logs in as) on an H2 file. The server builds its
 * own handler from its configuration, so the suite's handler is not used; the server hosts no
 * application routes and has no CORS setting, so those groups are skipped by the suite's hooks.
 */
@DisplayName("The HTTP contract in the standalone server")
class StandaloneServerContractTest extends HttpContractSuite {

    @TempDir
    static Path dir;

    /** Settings of this leg beyond the test defaults. */
    protected Map<String, String> settings() {
        return Map.of();
    }

    @Override
    protected Target start(AuthHttpHandler unused) throws Exception {
        // Each leg on its own database under the shared class directory.
        Path home = Files.createDirectories(dir.resolve(getClass().getSimpleName()));
        PortcullisServer server = PortcullisServerEndToEndTest.startWithTestUsers(
                PortcullisServerEndToEndTest.testConfig(home, settings()),
                MutableClock.startingAt(Instant.parse("2026-03-01T10:00:00Z")),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        URI uri = server.uri();
        return Target.of(URI.create(uri.toString().replaceAll("/$", "")), server);
    }

    @Override
    protected boolean hostsApplicationRoutes() {
        return false;
    }

    @Override
    protected boolean supportsCors() {
        return false;
    }
}
