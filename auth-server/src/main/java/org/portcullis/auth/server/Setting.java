package org.portcullis.auth.server;

import java.util.List;
import java.util.Locale;

/**
 * One setting of the standalone server, named once: its {@linkplain #name() name} in lower case
 * with dots for groups and hyphens between words ({@code throttling.base-delay}) gives both
 * spellings by one rule:
 * <ul>
 * <li>property key: {@code portcullis.} + name ({@code portcullis.throttling.base-delay});</li>
 * <li>environment variable: {@code PORTCULLIS_} + name in upper case with dots and hyphens
 *     turned into underscores ({@code PORTCULLIS_THROTTLING_BASE_DELAY}).</li>
 * </ul>
 * A secret may instead be read from a file named by the same names plus {@code -file} /
 * {@code _FILE} ({@code PORTCULLIS_DB_PASSWORD_FILE}); it is never printed.
 *
 * @param name         the name, as above
 * @param kind         how its text is read
 * @param secret       whether it is redacted when printed and may come from a file
 * @param defaultText  the default as text, or {@code null} when it has none (or one computed at load time)
 * @param description  one line for the documentation and {@code --print-config}
 * @param aliases      older spellings still read (property keys or environment variables), after the canonical ones
 */
record Setting(String name, Kind kind, boolean secret, String defaultText, String description, List<String> aliases) {

    /** How a setting's text is read. */
    enum Kind { TEXT, INTEGER, BOOLEAN, DURATION, LIST, PATH, CHOICE }

    static final String PROPERTY_PREFIX = "portcullis.";
    static final String ENV_PREFIX = "PORTCULLIS_";

    Setting {
        aliases = List.copyOf(aliases);
    }

    static Setting of(String name, Kind kind, String defaultText, String description) {
        return new Setting(name, kind, false, defaultText, description, List.of());
    }

    static Setting secret(String name, String description) {
        return new Setting(name, Kind.TEXT, true, null, description, List.of());
    }

    Setting withAliases(String... older) {
        return new Setting(name, kind, secret, defaultText, description, List.of(older));
    }

    String property() {
        return PROPERTY_PREFIX + name;
    }

    String env() {
        return envOf(name);
    }

    String fileProperty() {
        return property() + "-file";
    }

    String fileEnv() {
        return env() + "_FILE";
    }

    /** How an error message names it: both spellings. */
    String label() {
        return property() + " (" + env() + ")";
    }

    static String envOf(String name) {
        return ENV_PREFIX + name.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }
}
