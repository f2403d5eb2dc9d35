/**
 * PyTorch Hub: {@code torchhub:OWNER/REPO[:REF]/ENTRYPOINT[?NAME=VALUE&...]}, resolved as {@code
 * torch.hub} resolves {@code owner/repo[:ref]} (no ref: {@code main} if GitHub has it, else {@code
 * master}; the ref must be one of the repository's branches or tags, or a commit at one of them),
 * pinned to the ref's commit, fetched as GitHub's zipball of that commit and converted to ONNX by
 * the pull's converter ({@link io.gpux.convert.PullConversions}) in the managed PyTorch
 * environment.
 *
 * <p>A hub repository is code: its hubconf.py runs when the model is built. So a repository is
 * pulled only when trusted ({@code --trust}, remembered in {@code GPUX_HOME/torchhub/trusted_list}
 * in torch.hub's format, or one of torch.hub's implicitly trusted owners), and it runs in the
 * Python subprocess, never in the JVM.
 *
 * <p>Endpoints: {@code GPUX_GITHUB_URL} (zipballs and the {@code tree/REF} probe, default {@code
 * https://github.com}) and {@code GPUX_GITHUB_API_URL} (branches, tags, commits; default {@code
 * https://api.github.com}); {@code GITHUB_TOKEN} goes to the API host only, as torch.hub sends it.
 */
package io.gpux.registry.torchhub;
