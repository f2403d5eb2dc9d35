/**
 * Settings from the environment ({@code GPUX_HOME}, {@code GPUX_OFFLINE}, {@code GPUX_FSYNC} and
 * the registries' variables), read in one place so tests can pass their own.
 */
package io.gpux.config;
