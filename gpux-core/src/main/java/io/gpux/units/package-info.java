/**
 * Quantities as people write and read them (byte sizes: {@code 512m}, {@code 86.7 MB}), shared by
 * the CLI, the server options and the library's messages; depends on nothing.
 */
package io.gpux.units;
