/**
 * Implementation details of the HTTP layer (JSON, problem responses, client addresses). Not API:
 * anything here may change without notice.
 */
package org.portcullis.auth.http.internal;
