/**
 * A pull: a registry resolves the reference, the transfer engine fetches what the store lacks, and
 * the store commits the version only once every file is in and verified (crash-safe).
 */
package io.gpux.pull;
