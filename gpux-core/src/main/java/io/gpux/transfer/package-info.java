/**
 * Moving bytes from registries to the store: HTTP with one chain of retries that honours {@code
 * Retry-After} and rate-limit headers, per-host connection limits for the whole process, HTTP(S)
 * proxies with curl's rules, redirects that never carry credentials to another host, resumable
 * downloads capped at the listed size, and digests verified before a file is handed to the store.
 * The caller passes in what identifies it (the User-Agent) and its proxies. Progress is reported as
 * events ({@link io.gpux.transfer.TransferListener}); nothing here prints.
 */
package io.gpux.transfer;
