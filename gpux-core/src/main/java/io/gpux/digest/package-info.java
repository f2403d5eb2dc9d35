/**
 * Content digests as GPUX names them: SHA-256 in lowercase hex, computed over bytes, streams or
 * files. A leaf: the store, the transfer layer, pulls and builds all use it.
 */
package io.gpux.digest;
