/**
 * Portcullis engine. Exports only the builder, the password hasher and the SLF4J audit sink;
 * everything under {@code internal} is implementation.
 */
module org.portcullis.auth.core {
    requires transitive org.portcullis.auth.api;
    requires com.nimbusds.jose.jwt;
    requires org.bouncycastle.provider;
    requires com.github.benmanes.caffeine;
    requires org.slf4j;

    exports org.portcullis.auth.core;
}
