/**
 * Portcullis client SDK: {@link org.portcullis.auth.client.AuthClient} logs in to the 7G User
 * endpoints, keeps the token pair fresh and attaches it to application requests.
 *
 * <p>Needs only the JDK's HTTP client and jackson-jr; no server classes.
 */
module org.portcullis.auth.client {
    requires transitive java.net.http;
    requires com.fasterxml.jackson.jr.ob;

    exports org.portcullis.auth.client;
}
