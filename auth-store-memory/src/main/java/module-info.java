/**
 * In-memory implementations of every Portcullis store SPI, for tests, development and
 * single-node use. Start with {@link org.portcullis.auth.store.memory.InMemoryStores#create(java.time.Clock)}.
 */
module org.portcullis.auth.store.memory {
    requires transitive org.portcullis.auth.api;
    requires com.github.benmanes.caffeine;

    exports org.portcullis.auth.store.memory;
}
