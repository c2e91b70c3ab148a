package org.portcullis.auth.server;

import org.portcullis.auth.api.AuditEvent;
import org.portcullis.auth.api.AuditEventType;
import org.portcullis.auth.api.AuditLog;
import org.portcullis.auth.api.AuditPage;
import org.portcullis.auth.api.AuditQuery;
import org.portcullis.auth.api.AuthService;
import org.portcullis.auth.api.ClientInfo;
import org.portcullis.auth.api.PasswordCredential;
import org.portcullis.auth.api.RevocationReason;
import org.portcullis.auth.api.Session;
import org.portcullis.auth.api.SigningKey;
import org.portcullis.auth.api.StoreUnavailableException;
import org.portcullis.auth.api.UserRecord;
import org.portcullis.auth.core.PasswordHasher;
import org.portcullis.auth.core.Portcullis;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The commands of {@code java -jar portcullis-server.jar <command>} other than serving: the
 * configuration check and the administration of users, sessions, keys and the audit trail, on the
 * same database and key-encryption key the server uses (read from the same configuration).
 *
 * <p>Safe while the server runs: every change goes through the store SPIs, whose writes are
 * conditional (a password change names the hash it replaces) or idempotent, or through the
 * {@link AuthService} facade; a revocation reaches a running server's token checks within its
 * {@code session-status-ttl}. Every change is audited with the operator ({@code --operator}, or
 * the operating-system user) as the actor: the event's user agent is
 * {@code portcullis-cli operator=<name>}. Input is checked before anything is written, so a bad
 * command changes nothing.
 *
 * <p>Exit codes: {@value #OK} done; {@value #FAILED} the database or another dependency failed;
 * {@value #BAD_CONFIG} the configuration is invalid; {@value #NOT_FOUND} the user or session does not
 * exist; {@value #CONFLICT} the change conflicts with the current state (the user exists, the
 * password changed meanwhile); {@value #USAGE} the command line or the input is wrong.
 *
 * <p>Passwords are read from the terminal without echo, or as one line from standard input when
 * there is no terminal; never from an argument, which other users of the machine can see.
 */
final class AdminCli {

    static final int OK = 0;
    static final int FAILED = 1;
    static final int BAD_CONFIG = 2;
    static final int NOT_FOUND = 3;
    static final int CONFLICT = 4;
    static final int USAGE = 64;

    /** The user agent of every event the commands cause; the operator follows it. */
    static final String USER_AGENT = "portcullis-cli";
    /** Users listed per store read by {@code user list}: the memory it needs, whatever the number of users. */
    static final int LIST_PAGE = 500;

    static final String USAGE_TEXT = """
            Usage: java -jar portcullis-server.jar [command]

              (no command)                      serve
              --print-config | config print     print the effective settings, secrets redacted
              config check                      validate the settings; exit 2 naming a bad one
              user add NAME [--role ROLE]...    create a user; password from the terminal or one line of stdin
              user list                         list every user: name, id, enabled, roles
              user show NAME                    show a user (never the password hash)
              user disable NAME                 disable a user and end its sessions
              user enable NAME                  enable a user
              user passwd NAME                  set a new password (terminal or stdin) and end its sessions
              user roles NAME --role ROLE...    replace a user's roles (its next refreshed tokens carry them)
              user delete NAME                  end a user's sessions and delete it
              sessions list NAME                list a user's active sessions
              sessions revoke --session ID      end one session
              sessions revoke --user NAME       end every session of a user
              keys list                         list signing keys (never a private key)
              keys rotate [--lead DURATION]     start a new signing key, published DURATION (default 0s) before it signs
              audit export --from T --to T [--user NAME] [--type TYPE[,TYPE]] --format csv|jsonl
                                                stream audit events (T: ISO-8601 instant) to stdout
              db migrate                        create or upgrade the database schema

            Options for every command: --operator NAME (the actor in the audit trail; default the OS user).
            Exit codes: 0 done, 1 failed, 2 bad configuration, 3 not found, 4 conflict, 64 usage.
            """;

    private final Map<String, String> env;
    private final Path workingDir;
    private final InputStream in;
    private final PrintStream out;
    private final PrintStream err;
    private final Clock clock;
    private final Console console;
    private final PasswordHasher hasher;
    /** Whether long commands report progress on standard error: on a terminal only, so that logs stay clean. */
    private boolean progress;

    AdminCli(Map<String, String> env, Path workingDir, InputStream in, PrintStream out, PrintStream err, Clock clock,
             Console console, PasswordHasher hasher) {
        this.env = env;
        this.workingDir = workingDir;
        this.in = in;
        this.out = out;
        this.err = err;
        this.clock = clock;
        this.console = console;
        this.hasher = hasher;
        this.progress = console != null;
    }

    /** Turns the progress line on or off, whatever the terminal (tests have none). */
    AdminCli showProgress(boolean on) {
        this.progress = on;
        return this;
    }

    /** A command line that is wrong; its message says how. */
    static final class UsageException extends RuntimeException {
        final int exitCode;

        UsageException(String message) {
            this(message, USAGE);
        }

        UsageException(String message, int exitCode) {
            super(message, null, false, false);
            this.exitCode = exitCode;
        }
    }

    /** Runs one command and returns its exit code; never exits the JVM. */
    int run(List<String> argv) {
        Args args;
        try {
            args = Args.parse(argv);
        } catch (UsageException e) {
            err.println(e.getMessage());
            return e.exitCode;
        }
        if (args.words.isEmpty() || args.is("help") || args.is("--help") || args.is("-h")) {
            out.print(USAGE_TEXT);
            return args.words.isEmpty() ? USAGE : OK;
        }
        ServerConfig config;
        try {
            config = ServerConfig.load(env, workingDir);
        } catch (IllegalArgumentException e) {
            err.println("Invalid configuration: " + e.getMessage());
            return BAD_CONFIG;
        } catch (UncheckedIOException e) {
            err.println("Cannot read the configuration: " + e.getMessage());
            return BAD_CONFIG;
        }
        try {
            if (args.is("--print-config") || args.is("config", "print")) {
                args.expectWords(args.is("--print-config") ? 1 : 2);
                out.print(config.describe());
                return OK;
            }
            if (args.is("config", "check")) {
                args.expectWords(2);
                out.println("Configuration is valid.");
                return OK;
            }
            Command command = command(args);
            return withDatabase(config, args.is("db", "migrate"), command);
        } catch (UsageException e) {
            err.println(e.getMessage());
            return e.exitCode;
        } catch (StoreUnavailableException e) {
            err.println("The database is unavailable: " + e.getMessage());
            return FAILED;
        } catch (IllegalArgumentException e) {
            err.println("Invalid configuration: " + e.getMessage());
            return BAD_CONFIG;
        } catch (IllegalStateException e) {
            err.println("Failed: " + e.getMessage());
            return FAILED;
        } catch (RuntimeException e) {
            err.println("Failed: " + e);
            return FAILED;
        }
    }

    /** What one command does with the database open. */
    private interface Command {
        int run(Admin admin);
    }

    private Command command(Args args) {
        String operator = args.option("--operator").orElse(System.getProperty("user.name", "unknown"));
        if (operator.isBlank() || operator.length() > 100 || operator.chars().anyMatch(Character::isISOControl)) {
            throw new UsageException("--operator must be 1 to 100 characters without control characters");
        }
        if (args.is("db", "migrate")) {
            args.expectWords(2);
            return a -> {
                out.println("Database schema at version " + a.schemaVersion + ".");
                return OK;
            };
        }
        if (args.is("user", "add")) {
            args.expectWords(3);
            String name = username(args.word(2));
            Set<String> roles = roles(args);
            if (roles.isEmpty()) {
                roles.add("user");
            }
            args.rejectOthers("--role", "--operator");
            return a -> a.addUser(name, roles, operator);
        }
        if (args.is("user", "roles")) {
            args.expectWords(3);
            String name = username(args.word(2));
            Set<String> roles = roles(args);
            if (roles.isEmpty()) {
                throw new UsageException("user roles needs at least one --role ROLE (the new set; user show lists the current one)");
            }
            args.rejectOthers("--role", "--operator");
            return a -> a.setRoles(name, roles, operator);
        }
        if (args.is("user", "list")) {
            args.expectWords(2);
            args.rejectOthers("--operator");
            return Admin::listUsers;
        }
        if (args.is("user", "show") || args.is("user", "disable") || args.is("user", "enable") || args.is("user", "passwd")
                || args.is("user", "delete") || args.is("sessions", "list")) {
            args.expectWords(3);
            args.rejectOthers("--operator");
            String name = username(args.word(2));
            String verb = args.word(0) + " " + args.word(1);
            return switch (verb) {
                case "user show" -> a -> a.showUser(name);
                case "user disable" -> a -> a.setEnabled(name, false, operator);
                case "user enable" -> a -> a.setEnabled(name, true, operator);
                case "user passwd" -> a -> a.changePassword(name, operator);
                case "user delete" -> a -> a.deleteUser(name, operator);
                default -> a -> a.listSessions(name);
            };
        }
        if (args.is("sessions", "revoke")) {
            args.expectWords(2);
            args.rejectOthers("--user", "--session", "--operator");
            Optional<String> user = args.option("--user");
            Optional<String> session = args.option("--session");
            if (user.isPresent() == session.isPresent()) {
                throw new UsageException("sessions revoke needs exactly one of --user NAME or --session ID");
            }
            return user.isPresent() ? a -> a.revokeAll(username(user.get()), operator) : a -> a.revokeOne(session.get(), operator);
        }
        if (args.is("keys", "list")) {
            args.expectWords(2);
            args.rejectOthers("--operator");
            return Admin::listKeys;
        }
        if (args.is("keys", "rotate")) {
            args.expectWords(2);
            args.rejectOthers("--lead", "--operator");
            Duration lead;
            try {
                lead = Durations.parse(args.option("--lead").orElse("0s"));
            } catch (IllegalArgumentException e) {
                throw new UsageException("--lead must be a duration such as 0s, 10m or 1h");
            }
            return a -> a.rotateKey(lead, operator);
        }
        if (args.is("audit", "export")) {
            args.expectWords(2);
            args.rejectOthers("--from", "--to", "--user", "--type", "--format", "--operator");
            Instant from = instant(args, "--from");
            Instant to = instant(args, "--to");
            if (!from.isBefore(to)) {
                throw new UsageException("--from must be before --to");
            }
            String format = args.option("--format").orElseThrow(() -> new UsageException("--format csv|jsonl is required"));
            if (!format.equals("csv") && !format.equals("jsonl")) {
                throw new UsageException("--format must be csv or jsonl: '" + format + "'");
            }
            Set<AuditEventType> types = EnumSet.noneOf(AuditEventType.class);
            for (String t : args.option("--type").map(v -> v.split(",")).orElse(new String[0])) {
                try {
                    types.add(AuditEventType.valueOf(t.strip().toUpperCase(Locale.ROOT)));
                } catch (IllegalArgumentException e) {
                    throw new UsageException("--type must be among " + Arrays.toString(AuditEventType.values()) + ": '" + t + "'");
                }
            }
            Optional<String> user = args.option("--user").map(AdminCli::username);
            return a -> a.exportAudit(from, to, user, types, format);
        }
        throw new UsageException("unknown command: " + String.join(" ", args.words) + "\n" + USAGE_TEXT);
    }

    private static Set<String> roles(Args args) {
        Set<String> roles = new LinkedHashSet<>(args.options("--role"));
        for (String r : roles) {
            if (!r.matches("[A-Za-z0-9_.:-]{1,64}")) {
                throw new UsageException("a role is 1 to 64 letters, digits or _.:- : '" + r + "'");
            }
        }
        return roles;
    }

    /** Who acts, as the engine's audit events record it. */
    private static ClientInfo actor(String operator) {
        return new ClientInfo("", USER_AGENT + " operator=" + operator);
    }

    private static Instant instant(Args args, String option) {
        String v = args.option(option).orElseThrow(() -> new UsageException(option + " is required (an ISO-8601 instant)"));
        try {
            return Instant.parse(v);
        } catch (DateTimeParseException e) {
            throw new UsageException(option + " must be an ISO-8601 instant such as 2026-01-31T00:00:00Z: '" + v + "'");
        }
    }

    private static String username(String raw) {
        String name = UserRecord.normalize(raw);
        if (name.isEmpty() || name.length() > 256 || name.chars().anyMatch(Character::isISOControl)) {
            throw new UsageException("a username is 1 to 256 characters without control characters");
        }
        return name;
    }

    private int withDatabase(ServerConfig config, boolean migrate, Command command) {
        SecureRandom random = new SecureRandom();
        try (JdbcBackend backend = JdbcBackend.open(config, KeyEncryptionKeys.resolve(config, random), migrate)) {
            AuthService service = Portcullis.builder().stores(backend.stores()).clock(clock).settings(config.engine())
                    .passwordHasher(hasher).startCleanupJob(false).build();
            try {
                return command.run(new Admin(backend, service, backend.schemaVersion()));
            } finally {
                service.close();
            }
        }
    }

    /** The commands that touch the database. */
    private final class Admin {
        private final JdbcBackend backend;
        private final AuthService service;
        final int schemaVersion;

        Admin(JdbcBackend backend, AuthService service, int schemaVersion) {
            this.backend = backend;
            this.service = service;
            this.schemaVersion = schemaVersion;
        }

        private UserRecord user(String name) {
            return backend.stores().users().findByUsername(name)
                    .orElseThrow(() -> new UsageException("no user " + name, NOT_FOUND));
        }

        private void audit(AuditEventType type, UserRecord user, Optional<String> session, String action, String operator) {
            audit(type, user.id(), user.username(), session, action, operator);
        }

        private void audit(AuditEventType type, String userId, String username, Optional<String> session, String action,
                           String operator) {
            AuditEvent.Builder b = AuditEvent.builder(type, clock.instant()).user(userId, username)
                    .client(actor(operator)).reason(action + " operator=" + operator);
            session.ifPresent(b::session);
            backend.stores().audit().record(b.build());
        }

        int addUser(String name, Set<String> roles, String operator) {
            if (backend.stores().users().findByUsername(name).isPresent()) {
                throw new UsageException("user " + name + " already exists", CONFLICT);
            }
            char[] password = readNewPassword();
            UserRecord user = new UserRecord(UUID.randomUUID().toString(), name, hasher.hash(new String(password)), roles, true);
            Arrays.fill(password, '\0');
            if (!backend.stores().users().create(user)) {
                throw new UsageException("user " + name + " already exists", CONFLICT);
            }
            audit(AuditEventType.USER_CREATED, user, Optional.empty(), "user_add", operator);
            out.println("Created user " + name + " (id " + user.id() + ", roles " + String.join(",", roles) + ").");
            return OK;
        }

        int showUser(String name) {
            UserRecord u = user(name);
            out.println("id:       " + u.id());
            out.println("username: " + u.username());
            out.println("roles:    " + String.join(",", u.roles()));
            out.println("enabled:  " + u.enabled());
            out.println("sessions: " + service.sessions(u.id()).size() + " active");
            return OK;
        }

        int setEnabled(String name, boolean enabled, String operator) {
            UserRecord u = user(name);
            if (u.enabled() == enabled) {
                out.println("User " + name + " is already " + (enabled ? "enabled" : "disabled") + "; nothing changed.");
                return OK;
            }
            int active = enabled ? 0 : service.sessions(u.id()).size();
            // The facade writes the flag and its audit event in one transaction, then ends the sessions.
            boolean exists = enabled ? service.enableUser(u.id(), actor(operator)) : service.disableUser(u.id(), actor(operator));
            if (!exists) {
                throw new UsageException("no user " + name, NOT_FOUND);
            }
            out.println("User " + name + " " + (enabled ? "enabled." : "disabled; " + active + " session(s) ended."));
            return OK;
        }

        int changePassword(String name, String operator) {
            UserRecord u = user(name);
            char[] password = readNewPassword();
            int active = service.sessions(u.id()).size();
            boolean exists;
            try {
                // The facade writes the hash conditionally (a concurrent change wins) with its audit event, then
                // ends every session: OWASP ASVS V3.3.3 / NIST SP 800-63B §6.1.2.3.
                exists = service.setPassword(u.id(), new String(password), actor(operator));
            } catch (IllegalStateException e) {
                throw new UsageException("the password of " + name + " changed meanwhile; nothing written, run the command again",
                        CONFLICT);
            } finally {
                Arrays.fill(password, '\0');
            }
            if (!exists) {
                throw new UsageException("no user " + name, NOT_FOUND);
            }
            out.println("Password of " + name + " changed; " + active + " session(s) ended.");
            return OK;
        }

        int setRoles(String name, Set<String> roles, String operator) {
            UserRecord u = user(name);
            if (u.roles().equals(roles)) {
                out.println("User " + name + " already has roles " + String.join(",", roles) + "; nothing changed.");
                return OK;
            }
            if (!service.setRoles(u.id(), roles, actor(operator))) {
                throw new UsageException("no user " + name, NOT_FOUND);
            }
            out.println("Roles of " + name + " set to " + String.join(",", roles)
                    + "; access tokens issued before keep the old ones until they expire (revoke the sessions to end them now).");
            return OK;
        }

        int deleteUser(String name, String operator) {
            UserRecord u = user(name);
            int active = service.sessions(u.id()).size();
            if (!service.deleteUser(u.id(), actor(operator))) {
                throw new UsageException("no user " + name, NOT_FOUND);
            }
            out.println("User " + name + " deleted; " + active + " session(s) ended.");
            return OK;
        }

        int listUsers() {
            // Keyset pages of LIST_PAGE users: constant memory, and no user is skipped or repeated while others are added.
            out.println("username  id  enabled  roles");
            long count = 0;
            Optional<String> after = Optional.empty();
            while (true) {
                List<UserRecord> page = backend.stores().users().list(after, LIST_PAGE);
                for (UserRecord u : page) {
                    out.println(u.username() + "  " + u.id() + "  " + u.enabled() + "  " + String.join(",", new java.util.TreeSet<>(u.roles())));
                    count++;
                }
                if (page.size() < LIST_PAGE) {
                    break;
                }
                after = Optional.of(page.get(page.size() - 1).username());
            }
            out.println(count + " user(s).");
            return OK;
        }

        int listSessions(String name) {
            UserRecord u = user(name);
            List<Session> sessions = service.sessions(u.id());
            out.println("session id                            created                  last refresh             expires");
            for (Session s : sessions) {
                out.println(s.id() + "  " + s.createdAt() + "  " + s.lastRefreshedAt() + "  " + s.expiresAt());
            }
            out.println(sessions.size() + " active session(s).");
            return OK;
        }

        int revokeAll(String name, String operator) {
            UserRecord u = user(name);
            int ended = service.revokeAllSessions(u.id(), RevocationReason.REVOKED_BY_ADMIN);
            audit(AuditEventType.SESSIONS_REVOKED_ALL, u, Optional.empty(), "sessions_revoke_user", operator);
            out.println(ended + " session(s) of " + name + " ended.");
            return OK;
        }

        int revokeOne(String sessionId, String operator) {
            Session s = backend.stores().sessions().find(sessionId)
                    .orElseThrow(() -> new UsageException("no session " + sessionId, NOT_FOUND));
            if (!s.isActiveAt(clock.instant())) {
                out.println("Session " + sessionId + " has already ended; nothing changed.");
                return OK;
            }
            backend.stores().sessions().revoke(sessionId, RevocationReason.REVOKED_BY_ADMIN, clock.instant());
            audit(AuditEventType.SESSION_REVOKED, s.userId(), s.username(), Optional.of(sessionId), "sessions_revoke", operator);
            out.println("Session " + sessionId + " of " + s.username() + " ended.");
            return OK;
        }

        int listKeys() {
            Instant now = clock.instant();
            out.println("kid                                   algorithm  created                  activates                retires                  expires                  state");
            for (SigningKey k : backend.stores().signingKeys().findAll()) {
                String state = k.canSignAt(now) ? "signing" : k.canVerifyAt(now) ? "verifying" : "expired";
                out.println(k.kid() + "  " + k.algorithm() + "  " + k.createdAt() + "  " + k.activatesAt() + "  "
                        + k.retiresAt().map(Instant::toString).orElse("-") + "  "
                        + k.expiresAt().map(Instant::toString).orElse("-") + "  " + state);
            }
            return OK;
        }

        int rotateKey(Duration lead, String operator) {
            String kid = service.rotateSigningKey(lead);
            AuditEvent event = AuditEvent.builder(AuditEventType.KEY_ROTATED, clock.instant())
                    .client(actor(operator))
                    .reason("keys_rotate kid=" + kid + " operator=" + operator).build();
            backend.stores().audit().record(event);
            out.println("New signing key " + kid + (lead.isZero() ? " signs from now." : " signs after " + Durations.format(lead) + "."));
            return OK;
        }

        int exportAudit(Instant from, Instant to, Optional<String> username, Set<AuditEventType> types, String format) {
            AuditQuery query = AuditQuery.all().between(from, to).ofTypes(types).limit(AuditQuery.MAX_LIMIT);
            if (username.isPresent()) {
                query = query.forUser(user(username.get()).id());
            }
            AuditLog log = backend.auditLog();
            Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
            long written = 0;
            try {
                if (format.equals("csv")) {
                    w.write(AuditFormats.CSV_HEADER);
                }
                // One page in memory at a time, whatever the number of rows.
                Optional<String> cursor = Optional.empty();
                do {
                    AuditPage page = log.query(cursor.map(query::after).orElse(query));
                    for (AuditEvent e : page.events()) {
                        w.write(format.equals("csv") ? AuditFormats.csv(e) : AuditFormats.jsonl(e));
                        written++;
                    }
                    cursor = page.nextCursor();
                    if (progress) {
                        err.print("\rexported " + written + " event(s)");
                    }
                } while (cursor.isPresent());
                w.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (progress) {
                err.println();
            }
            return OK;
        }
    }

    /** Reads a new password twice from the terminal, or once from stdin; checks its length. */
    private char[] readNewPassword() {
        char[] password;
        if (console != null) {
            password = console.readPassword("New password: ");
            char[] again = console.readPassword("Repeat it: ");
            if (password == null || again == null || !Arrays.equals(password, again)) {
                throw new UsageException("the passwords do not match; nothing changed");
            }
            Arrays.fill(again, '\0');
        } else {
            try {
                String line = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).readLine();
                if (line == null) {
                    throw new UsageException("no password on standard input; nothing changed");
                }
                password = line.toCharArray();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        // NIST SP 800-63B §5.1.1.2: at least 8; the cap keeps the hashing work bounded. The engine's own limits.
        if (password.length < PasswordCredential.MIN_NEW_PASSWORD_LENGTH || password.length > PasswordCredential.MAX_PASSWORD_LENGTH) {
            throw new UsageException("a password is " + PasswordCredential.MIN_NEW_PASSWORD_LENGTH + " to "
                    + PasswordCredential.MAX_PASSWORD_LENGTH + " characters; nothing changed");
        }
        return password;
    }

    /** The words of a command line and its {@code --name value} options (an option may repeat). */
    static final class Args {
        final List<String> words = new ArrayList<>();
        final Map<String, List<String>> options = new LinkedHashMap<>();

        static Args parse(List<String> argv) {
            Args a = new Args();
            for (int i = 0; i < argv.size(); i++) {
                String t = argv.get(i);
                if (t.startsWith("--") && !t.equals("--print-config") && !t.equals("--help")) {
                    if (t.equals("--password")) {
                        throw new UsageException("a password is never an argument (other users can see it); "
                                + "type it at the prompt or pipe it on standard input");
                    }
                    if (i + 1 >= argv.size()) {
                        throw new UsageException(t + " needs a value");
                    }
                    a.options.computeIfAbsent(t, k -> new ArrayList<>()).add(argv.get(++i));
                } else {
                    a.words.add(t);
                }
            }
            return a;
        }

        boolean is(String... prefix) {
            if (words.size() < prefix.length) {
                return false;
            }
            for (int i = 0; i < prefix.length; i++) {
                if (!words.get(i).equals(prefix[i])) {
                    return false;
                }
            }
            return true;
        }

        String word(int i) {
            return words.get(i);
        }

        void expectWords(int n) {
            if (words.size() != n) {
                throw new UsageException("'" + String.join(" ", words) + "' takes " + (n - Math.min(n, 2))
                        + " name(s); see --help");
            }
        }

        Optional<String> option(String name) {
            List<String> v = options.getOrDefault(name, List.of());
            if (v.size() > 1) {
                throw new UsageException(name + " given more than once");
            }
            return v.stream().findFirst();
        }

        List<String> options(String name) {
            return options.getOrDefault(name, List.of());
        }

        void rejectOthers(String... allowed) {
            Set<String> ok = Set.of(allowed);
            for (String name : options.keySet()) {
                if (!ok.contains(name)) {
                    throw new UsageException("unknown option " + name + " for '" + String.join(" ", words) + "'");
                }
            }
        }
    }
}
