/**
 * In-memory stores: every store SPI of {@code org.portcullis.auth.api} kept in the heap of one
 * process. Meant for tests, development and single-node deployments that accept losing every
 * session on restart. Each store is thread-safe and bounded: entries that can no longer matter
 * leave on their own, and each store documents its hard size cap.
 */
package org.portcullis.auth.store.memory;
