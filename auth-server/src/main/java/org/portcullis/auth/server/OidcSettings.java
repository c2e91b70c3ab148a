package org.portcullis.auth.server;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.portcullis.auth.core.OpenIdProvider;

/**
 * The OpenID Connect providers the standalone server trusts, one family of settings per provider
 * id. In the environment: {@code PORTCULLIS_OIDC_<ID>_ISSUER}, {@code _CLIENT_IDS}
 * (comma-separated), {@code _DISCOVERY_URL}, {@code _JIT}, {@code _LINK_BY_VERIFIED_EMAIL},
 * {@code _TRUSTED_AUDIENCES}, {@code _REQUIRE_NONCE}, {@code _SUBJECT_LOGIN_LIMIT},
 * {@code _SUBJECT_LOGIN_WINDOW} and {@code _REPLAY_CACHE_SIZE}, where {@code <ID>} is the provider
 * id in upper case. In the properties file: {@code portcullis.oidc.<id>.} and the lower-case,
 * dash-separated name ({@code issuer}, {@code client-ids}, ...; see {@link Key}), or the
 * environment spelling. The environment wins over
 * the file. Every provider named needs an issuer and client ids. Stateless.
 */
final class OidcSettings {

    /** A setting of one provider, by its suffix. */
    enum Key {
        ISSUER("issuer", "the issuer identifier, exactly as in the ID tokens' iss (https)"),
        CLIENT_IDS("client-ids", "the accepted client ids (audiences), comma-separated"),
        DISCOVERY_URL("discovery-url", "where the discovery document is; default <issuer>/.well-known/openid-configuration"),
        JIT("jit", "true to create a local user at the first login of an unknown identity (default false)"),
        LINK_BY_VERIFIED_EMAIL("link-by-verified-email",
                "true to link an unknown identity to the user whose username is its verified e-mail (default false)"),
        TRUSTED_AUDIENCES("trusted-audiences",
                "audiences besides the client ids that an ID token may also name, comma-separated; any other is refused (default none)"),
        REQUIRE_NONCE("require-nonce", "true to refuse a login that sends no nonce (default false)"),
        SUBJECT_LOGIN_LIMIT("subject-login-limit", "most successful logins of one external identity per window, 1 or more (default 20)"),
        SUBJECT_LOGIN_WINDOW("subject-login-window", "the window of subject-login-limit, above zero (default 10m)"),
        REPLAY_CACHE_SIZE("replay-cache-size", "how many exchanged ID tokens are remembered to refuse their reuse, 1000-10000000 (default 100000)");

        final String property;
        final String description;

        Key(String property, String description) {
            this.property = property;
            this.description = description;
        }

        String env(String id) {
            return "PORTCULLIS_OIDC_" + id.toUpperCase(Locale.ROOT) + "_" + name();
        }

        String property(String id) {
            return "portcullis.oidc." + id.toLowerCase(Locale.ROOT) + "." + property;
        }
    }

    private static final Pattern ENV = Pattern.compile("PORTCULLIS_OIDC_([A-Za-z0-9_]+?)_("
            + String.join("|", Arrays.stream(Key.values()).map(Key::name).toList()) + ")");
    private static final Pattern PROPERTY = Pattern.compile("portcullis\\.oidc\\.([A-Za-z0-9_]+)\\.("
            + String.join("|", Arrays.stream(Key.values()).map(k -> Pattern.quote(k.property)).toList()) + ")");

    private OidcSettings() {
    }

    /** Whether a {@code PORTCULLIS_*} variable or {@code portcullis.*} key is one of these settings. */
    static boolean names(String name) {
        return ENV.matcher(name).matches() || PROPERTY.matcher(name).matches();
    }

    /**
     * The providers configured in {@code env} and {@code file}, in id order.
     *
     * @throws IllegalArgumentException naming the setting, for a missing issuer or client ids, a value
     *         of the wrong form, or a provider the engine refuses (an http issuer off loopback, say)
     */
    static List<OpenIdProvider> read(Map<String, String> env, Properties file) {
        Map<String, Map<Key, String>> byId = new java.util.TreeMap<>();
        for (String name : file.stringPropertyNames()) {
            collect(name, file.getProperty(name), byId, false);
        }
        for (Map.Entry<String, String> e : env.entrySet()) {
            collect(e.getKey(), e.getValue(), byId, true);
        }
        List<OpenIdProvider> providers = new ArrayList<>();
        byId.forEach((id, values) -> providers.add(provider(id, values)));
        return List.copyOf(providers);
    }

    private static void collect(String name, String value, Map<String, Map<Key, String>> byId, boolean wins) {
        Matcher env = ENV.matcher(name);
        Matcher prop = PROPERTY.matcher(name);
        String id;
        Key key;
        if (env.matches()) {
            id = env.group(1);
            key = Key.valueOf(env.group(2));
        } else if (prop.matches()) {
            id = prop.group(1);
            key = Arrays.stream(Key.values()).filter(k -> k.property.equals(prop.group(2))).findFirst().orElseThrow();
        } else {
            return;
        }
        Map<Key, String> values = byId.computeIfAbsent(id.toLowerCase(Locale.ROOT), i -> new LinkedHashMap<>());
        if (wins || !values.containsKey(key)) {
            values.put(key, value.strip());
        }
    }

    private static OpenIdProvider provider(String id, Map<Key, String> values) {
        String issuer = required(id, values, Key.ISSUER);
        List<String> clientIds = Arrays.stream(required(id, values, Key.CLIENT_IDS).split(","))
                .map(String::strip).filter(c -> !c.isEmpty()).toList();
        OpenIdProvider.Builder b = OpenIdProvider.builder(id).issuer(issuer).clientIds(clientIds)
                .justInTimeUsers(bool(id, values, Key.JIT))
                .linkByVerifiedEmail(bool(id, values, Key.LINK_BY_VERIFIED_EMAIL));
        String audiences = values.get(Key.TRUSTED_AUDIENCES);
        if (audiences != null && !audiences.isEmpty()) {
            b.trustedAudiences(Arrays.stream(audiences.split(",")).map(String::strip).filter(a -> !a.isEmpty())
                    .toArray(String[]::new));
        }
        b.requireNonce(bool(id, values, Key.REQUIRE_NONCE));
        OpenIdProvider defaults = defaults();
        int limit = integer(id, values, Key.SUBJECT_LOGIN_LIMIT, defaults.subjectLoginLimit(), 1, Integer.MAX_VALUE);
        Duration window = duration(id, values, Key.SUBJECT_LOGIN_WINDOW, defaults.subjectLoginWindow());
        b.subjectLoginLimit(limit, window);
        b.replayCacheSize(integer(id, values, Key.REPLAY_CACHE_SIZE, defaults.replayCacheSize(), 1_000, 10_000_000));
        String discovery = values.get(Key.DISCOVERY_URL);
        if (discovery != null && !discovery.isEmpty()) {
            try {
                b.discoveryUrl(URI.create(discovery));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(label(id, Key.DISCOVERY_URL) + " is not a URL: '" + discovery + "'");
            }
        }
        try {
            return b.build();
        } catch (IllegalStateException e) {
            throw new IllegalArgumentException(e.getMessage() + " (" + label(id, Key.ISSUER) + " and its siblings)", e);
        }
    }

    /** The engine's defaults of the settings a provider may leave out. */
    private static OpenIdProvider defaults() {
        return OpenIdProvider.builder("defaults").issuer("https://defaults.invalid").clientIds("c").build();
    }

    private static int integer(String id, Map<Key, String> values, Key key, int fallback, int min, int max) {
        String v = values.get(key);
        if (v == null || v.isEmpty()) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(v.replace("_", ""));
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(label(id, key) + " must be a whole number from " + min + " to " + max + ": '" + v + "'");
    }

    private static Duration duration(String id, Map<Key, String> values, Key key, Duration fallback) {
        String v = values.get(key);
        if (v == null || v.isEmpty()) {
            return fallback;
        }
        Duration d;
        try {
            d = Durations.parse(v);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(label(id, key) + " is not a duration (like 10m or PT10M): '" + v + "'");
        }
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(label(id, key) + " must be longer than zero: '" + v + "'");
        }
        return d;
    }

    private static String required(String id, Map<Key, String> values, Key key) {
        String v = values.get(key);
        if (v == null || v.isEmpty()) {
            throw new IllegalArgumentException(label(id, key) + " must be set: OpenID provider '" + id
                    + "' is configured");
        }
        return v;
    }

    private static boolean bool(String id, Map<Key, String> values, Key key) {
        String v = values.getOrDefault(key, "false").toLowerCase(Locale.ROOT);
        return switch (v) {
            case "true", "yes", "1" -> true;
            case "false", "no", "0", "" -> false;
            default -> throw new IllegalArgumentException(label(id, key) + " must be true or false: '" + v + "'");
        };
    }

    /** The provider's settings as properties-file lines, for {@code --print-config} (none of them is a secret). */
    static String describe(OpenIdProvider p) {
        StringBuilder sb = new StringBuilder();
        line(sb, p.id(), Key.ISSUER, p.issuer());
        line(sb, p.id(), Key.CLIENT_IDS, String.join(",", new java.util.TreeSet<>(p.clientIds())));
        line(sb, p.id(), Key.DISCOVERY_URL, p.discoveryUrl().toString());
        line(sb, p.id(), Key.JIT, Boolean.toString(p.justInTimeUsers()));
        line(sb, p.id(), Key.LINK_BY_VERIFIED_EMAIL, Boolean.toString(p.linkByVerifiedEmail()));
        line(sb, p.id(), Key.TRUSTED_AUDIENCES, String.join(",", new java.util.TreeSet<>(p.trustedAudiences())));
        line(sb, p.id(), Key.REQUIRE_NONCE, Boolean.toString(p.requireNonce()));
        line(sb, p.id(), Key.SUBJECT_LOGIN_LIMIT, Integer.toString(p.subjectLoginLimit()));
        line(sb, p.id(), Key.SUBJECT_LOGIN_WINDOW, Durations.format(p.subjectLoginWindow()));
        line(sb, p.id(), Key.REPLAY_CACHE_SIZE, Integer.toString(p.replayCacheSize()));
        return sb.toString();
    }

    private static void line(StringBuilder sb, String id, Key key, String value) {
        sb.append(key.property(id)).append(" = ").append(value).append("    # ").append(key.env(id)).append('\n');
    }

    static String label(String id, Key key) {
        return key.property(id) + " (" + key.env(id) + ")";
    }
}
