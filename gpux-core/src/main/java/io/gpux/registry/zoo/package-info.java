/**
 * The ONNX Model Zoo plug-in ({@code zoo:NAME[@OPSET]}): the zoo's catalogue ({@code
 * ONNX_HUB_MANIFEST.json}, shipped with GPUX and pinned by its sha256, or the one under {@code
 * GPUX_ONNX_ZOO_URL}), names matched as {@code onnx.hub} matches them (case-insensitive equality),
 * the highest opset by default, and every file checked against the catalogue's {@code model_sha}
 * and {@code model_bytes}.
 *
 * <p>Where the bytes come from. The zoo's GitHub LFS downloads stopped in July 2025; the files live
 * on under the same paths in the Hugging Face repository {@code onnxmodelzoo/legacy_models}. This
 * plug-in does not call the Hugging Face plug-in (plug-ins never depend on each other): it emits
 * {@link io.gpux.registry.RemoteFile}s whose URLs are the Hub's {@code resolve/main/} URLs under
 * {@code HF_ENDPOINT}, carrying the Hub token the Hugging Face plug-in would send ({@code
 * HF_TOKEN}, {@code HUGGING_FACE_HUB_TOKEN}, or {@code gpux login hf}, read through the shared
 * {@link io.gpux.registry.Credentials}). The download itself is the one transfer engine every
 * registry uses, so proxies, retries, resumption, redirects to the Hub's CDN without the token, and
 * the size and sha256 checks all apply unchanged. Sharing two variable names was judged cheaper
 * than a new SPI type for one caller.
 */
package io.gpux.registry.zoo;
