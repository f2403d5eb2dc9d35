/**
 * The command reference, generated from the CLI's own picocli model: one Markdown page per command
 * for the docs site (docs/reference) and one roff man page per command (man/man1), so that neither
 * is written by hand nor drifts from the commands (ReferenceDocsTest regenerates and compares).
 */
package io.gpux.cli.docs;
