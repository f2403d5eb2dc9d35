/**
 * Near misses for people: how far a typed name is from the ones that exist, so that an error can
 * say "did you mean" (a gpux.yml key, a model zoo name).
 */
package io.gpux.spelling;
