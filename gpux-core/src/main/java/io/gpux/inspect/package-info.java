/**
 * {@code gpux inspect}: a model's description (signature, opsets, producer, size, metadata, labels,
 * the provider it would run on, its last build, and the stored version behind it).
 */
package io.gpux.inspect;
