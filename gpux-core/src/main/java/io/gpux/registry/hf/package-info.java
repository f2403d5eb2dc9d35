/**
 * The Hugging Face Hub plug-in ({@code hf:org/name[@revision]}): model info, file listing with LFS
 * digests, the ONNX file choice, search and refs, against {@code HF_ENDPOINT}.
 */
package io.gpux.registry.hf;
