/**
 * A GitHub stand-in for PyTorch Hub tests: the web host's {@code tree/REF/} probe and zipballs, the
 * API's branches, tags and commits, for repositories a test generates ({@link HubRepos}).
 */
package io.gpux.testing.torchhub;
