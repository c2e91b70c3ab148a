package org.portcullis.auth.api;

import java.util.List;
import java.util.Objects;

/**
 * The public half of the keys that verify this service's access tokens now, as an RFC 7517 §5 JWK
 * Set document, for a {@code /.well-known/jwks.json} endpoint. It holds the keys that may sign
 * now, the keys published ahead of signing, and retired keys until the last token they signed has
 * expired; never a private or symmetric key (an {@link SigningAlgorithm#HS256} deployment publishes
 * an empty set), never a revoked or expired key.
 *
 * <p>Immutable and thread-safe.
 *
 * @param json       the JWK Set, {@code {"keys":[...]}}, each key with {@code kid}, {@code alg} and
 *                   {@code use: "sig"} (RFC 7517 §4.2–4.5)
 * @param keyIds     the {@code kid}s in the set, in the set's order
 * @param algorithms the JWS {@code alg} values of the keys in the set, without repeats
 */
public record PublishedKeys(String json, List<String> keyIds, List<String> algorithms) {

    public PublishedKeys {
        Objects.requireNonNull(json, "json");
        keyIds = List.copyOf(keyIds);
        algorithms = List.copyOf(algorithms);
    }
}
