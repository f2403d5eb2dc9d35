/**
 * Model references: what a user types to name a model in a registry, Docker-style.
 *
 * <h2>Grammar</h2>
 *
 * <pre>
 * reference  = prefix rest            ; rest is read by the registry's own ReferenceGrammar
 *            | default                ; no prefix: a local project, a stored model, then Hugging Face
 * prefix     = registry ":"           ; a plug-in's name or alias (hf, huggingface, mlflow, wandb,
 *                                     ; kaggle, tfhub)
 *            | scheme                 ; a URI scheme a plug-in declares (models:/, runs:/,
 *                                     ; https://tfhub.dev/)
 * default    = name [ ":" tag ] [ "@" version ]
 * name       = segment *( "/" segment )
 * segment    = 1*( ALPHA / DIGIT / "." / "_" / "-" ), and never "." or ".."
 * version    = 1*( VCHAR except "@" ), e.g. a commit sha, refs/pr/1
 * tag        = 1*( ALPHA / DIGIT / "." / "_" / "-" )
 * </pre>
 *
 * {@link io.gpux.ref.ModelRefParser} only splits off the prefix; each registry's {@link
 * io.gpux.ref.ReferenceGrammar} parses and prints the rest ({@code mlflow:name/3}, {@code
 * wandb:e/p/a:v2}). Every grammar checks names with {@link io.gpux.ref.ReferenceSyntax}, so names
 * can never hold {@code ..}, an absolute path, a backslash or a control character, and a parsed
 * reference is always safe to map onto folders.
 */
package io.gpux.ref;
