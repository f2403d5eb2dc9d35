/**
 * Model references: what a user types to name a model in a registry, Docker-style.
 *
 * <h2>Grammar</h2>
 *
 * <pre>
 * reference  = [ registry ":" ] name [ "@" version ] [ ":" tag ]
 *            | "oci://" host [ ":" port ] "/" path [ ":" tag ] [ "@" digest ]
 *            | "models:/" mlflow-model-uri | "runs:/" mlflow-run-uri
 * registry   = a registered plug-in name or alias (hf, huggingface, mlflow, wandb, zoo, kaggle,
 *              tfhub, torchhub, oci)
 * name       = segment *( "/" segment )
 * segment    = 1*( ALPHA / DIGIT / "." / "_" / "-" ), and never "." or ".."
 * version    = 1*( VCHAR except "@" ), e.g. a commit sha, refs/pr/1, sha256:..., 3
 * tag        = 1*( ALPHA / DIGIT / "." / "_" / "-" )
 * </pre>
 *
 * A tag is recognised only after the last "/" of the name, so {@code host:5000/repo} keeps its
 * port. With no registry prefix the reference is local (a project path or a model in the store) and
 * then the default registry. Names can never hold {@code ..}, an absolute path, a backslash or a
 * control character, so a parsed reference is always safe to map onto folders.
 */
package io.gpux.ref;
