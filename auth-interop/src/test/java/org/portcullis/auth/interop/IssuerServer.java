package org.portcullis.auth.interop;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import jakarta.servlet.DispatcherType;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.portcullis.auth.api.AuthService;
import org.portcullis.auth.api.AuthSettings;
import org.portcullis.auth.api.ClientInfo;
import org.portcullis.auth.api.PasswordCredential;
import org.portcullis.auth.api.SigningAlgorithm;
import org.portcullis.auth.api.SigningKey;
import org.portcullis.auth.api.Stores;
import org.portcullis.auth.api.UserRecord;
import org.portcullis.auth.core.PasswordHasher;
import org.portcullis.auth.core.Portcullis;
import org.portcullis.auth.http.AuthHttpHandler;
import org.portcullis.auth.http.servlet.PortcullisAuthFilter;
import org.portcullis.auth.http.servlet.PortcullisEndpointServlet;
import org.portcullis.auth.store.memory.InMemoryStores;
import org.portcullis.auth.store.tck.MutableClock;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * A Portcullis issuer as another service meets it: the engine on in-memory stores, with key
 * publishing on, served by Jetty 12 on a loopback port through the servlet filter and endpoint
 * servlet. Its clock starts at the real time, because the verifiers under test read the system
 * clock. It can also forge tokens with its own private key, to show that each verifier checks
 * the claims and headers it should, not only the signature.
 */
final class IssuerServer implements AutoCloseable {

    static final String ISSUER = "https://issuer.portcullis.test";
    static final String AUDIENCE = "orders-api";
    static final String USER = "alice";
    static final String PASSWORD = "correct horse battery staple";
    private static final PasswordHasher HASHER = PasswordHasher.withParameters(64, 1, 1);

    final MutableClock clock;
    final Stores stores;
    final AuthService service;
    private final Server jetty;
    final URI base;

    IssuerServer(SigningAlgorithm algorithm) throws Exception {
        this(algorithm, b -> b);
    }

    IssuerServer(SigningAlgorithm algorithm, UnaryOperator<AuthHttpHandler.Builder> handlerOptions) throws Exception {
        this(algorithm, AuthSettings.TokenEncryption.off(), handlerOptions);
    }

    /** An issuer whose access tokens are encrypted as {@code encryption} says (docs/encryption.md). */
    IssuerServer(SigningAlgorithm algorithm, AuthSettings.TokenEncryption encryption,
                 UnaryOperator<AuthHttpHandler.Builder> handlerOptions) throws Exception {
        // The verifiers under test compare exp and iat with the system clock, so this one starts there.
        clock = MutableClock.startingAt(Instant.ofEpochSecond(System.currentTimeMillis() / 1000));
        stores = InMemoryStores.create(clock);
        stores.users().create(new UserRecord("u-alice", USER, HASHER.hash(PASSWORD), Set.of("user"), true));
        service = Portcullis.builder().stores(stores).clock(clock).passwordHasher(HASHER).startCleanupJob(false)
                .settings(AuthSettings.builder().issuer(ISSUER).audience(AUDIENCE).signingAlgorithm(algorithm)
                        .keys(AuthSettings.Keys.builder().publishJwks(true).tokenEncryption(encryption).build()).build())
                .build();
        jetty = new Server();
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        jetty.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        jetty.setHandler(context);
        jetty.start();
        base = URI.create("http://127.0.0.1:" + connector.getLocalPort());
        AuthHttpHandler handler = handlerOptions.apply(AuthHttpHandler.builder(service).publicBaseUri(base)).build();
        context.addFilter(new FilterHolder(new PortcullisAuthFilter(handler)), "/*", EnumSet.of(DispatcherType.REQUEST));
        context.addServlet(new ServletHolder(new PortcullisEndpointServlet(handler)), "/user/*");
        context.addServlet(new ServletHolder(new PortcullisEndpointServlet(handler)), "/common/*");
        context.addServlet(new ServletHolder(new PortcullisEndpointServlet(handler)), "/.well-known/*");
    }

    URI jwksUri() {
        return base.resolve("/.well-known/jwks.json");
    }

    /** A fresh access token for alice, issued now. */
    String accessToken() {
        return service.login(new PasswordCredential(USER, PASSWORD), ClientInfo.UNKNOWN).accessToken();
    }

    /** An access token issued {@code ago}, so expired by now when {@code ago} exceeds its lifetime. */
    String accessTokenIssued(Duration ago) {
        Instant now = clock.instant();
        clock.setInstant(now.minus(ago));
        try {
            return accessToken();
        } finally {
            clock.setInstant(now);
        }
    }

    /** The key that signs now (the store holds the private half in this in-memory setup). */
    SigningKey signingKey() {
        Instant now = clock.instant();
        return stores.signingKeys().findAll().stream().filter(k -> k.algorithm().signs() && k.canSignAt(now))
                .reduce((a, b) -> b).orElseThrow();
    }

    /**
     * A token signed with our own current key but with the given {@code typ} and claims changed:
     * what a verifier must refuse for its claims, not for its signature.
     */
    String forge(String typ, Map<String, Object> overrides) throws Exception {
        SigningKey key = signingKey();
        Instant now = clock.instant();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().issuer(ISSUER).audience(AUDIENCE).subject("u-alice")
                .jwtID("forged-" + now.toEpochMilli()).issueTime(Date.from(now)).notBeforeTime(Date.from(now))
                .expirationTime(Date.from(now.plus(Duration.ofMinutes(5)))).claim("sid", "s-forged")
                .claim("preferred_username", USER);
        overrides.forEach(claims::claim);
        JWSHeader header = new JWSHeader.Builder(new JWSAlgorithm(key.algorithm().jwsName()))
                .type(new JOSEObjectType(typ)).keyID(key.kid()).build();
        JWSObject jws = new JWSObject(header, new Payload(claims.build().toJSONObject()));
        switch (key.algorithm()) {
            case RS256 -> jws.sign(new RSASSASigner((RSAPrivateKey) KeyFactory.getInstance("RSA")
                    .generatePrivate(new PKCS8EncodedKeySpec(key.privateKey()))));
            case ES256 -> jws.sign(new ECDSASigner((ECPrivateKey) KeyFactory.getInstance("EC")
                    .generatePrivate(new PKCS8EncodedKeySpec(key.privateKey()))));
            case EdDSA -> {
                // nimbus signs Ed25519 only with Tink keys; the JDK signs the same input directly (RFC 8037 §3.1).
                Signature ed = Signature.getInstance("Ed25519");
                ed.initSign(KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(key.privateKey())));
                ed.update(jws.getSigningInput());
                return new String(jws.getSigningInput(), StandardCharsets.US_ASCII) + "." + Base64URL.encode(ed.sign());
            }
            case HS256 -> throw new IllegalArgumentException("not an interop algorithm");
        }
        return jws.serialize();
    }

    /** {@code token} with one character of its signature changed. */
    static String tampered(String token) {
        int i = token.length() - 5;
        char c = token.charAt(i) == 'A' ? 'B' : 'A';
        return token.substring(0, i) + c + token.substring(i + 1);
    }

    @Override
    public void close() throws Exception {
        jetty.stop();
        service.close();
    }
}
