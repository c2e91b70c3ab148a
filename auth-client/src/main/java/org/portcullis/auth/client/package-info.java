/**
 * The client SDK for the 7G User resource.
 *
 * <p>Start with {@link org.portcullis.auth.client.AuthClient#builder(java.net.URI)}. Tokens live in a
 * {@link org.portcullis.auth.client.TokenHolder} (in memory unless the application plugs in its own).
 * Every failure is an unchecked {@link org.portcullis.auth.client.AuthClientException} carrying the
 * server's problem {@code code}; two subtypes name the cases a caller usually handles apart:
 * {@link org.portcullis.auth.client.SessionGoneException} (log in again) and
 * {@link org.portcullis.auth.client.ServerUnavailableException} (try again later).
 */
package org.portcullis.auth.client;
