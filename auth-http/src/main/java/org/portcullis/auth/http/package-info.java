/**
 * The 7G User endpoints over HTTP, independent of any web server: {@link org.portcullis.auth.http.AuthHttpHandler}
 * answers an {@link org.portcullis.auth.http.AuthHttpRequest} with an {@link org.portcullis.auth.http.AuthHttpResponse}.
 * {@link org.portcullis.auth.http.AccessRules} say who may reach the application's own paths and
 * {@link org.portcullis.auth.http.CorsPolicy} opens them to other origins; both are applied by
 * {@link org.portcullis.auth.http.AuthHttpHandler#admit}, the same for every adapter. Adapters:
 * {@code org.portcullis.auth.http.servlet} (any Jakarta Servlet 6 container), {@code auth-javalin}
 * (Javalin 7) and {@code auth-server} (the standalone server). Embedding guides: {@code docs/embedding/}.
 */
package org.portcullis.auth.http;
