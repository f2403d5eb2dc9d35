/**
 * Moving bytes from registries to the store: HTTP with retries that honour {@code Retry-After},
 * redirects that never carry credentials to another host, resumable downloads, and digests verified
 * before a file is handed to the store. Progress is reported as events ({@link
 * io.gpux.transfer.TransferListener}); nothing here prints.
 */
package io.gpux.transfer;
