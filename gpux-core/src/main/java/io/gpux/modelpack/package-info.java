/**
 * The CNCF ModelPack artifact format (model-spec v0.0.7) as GPUX writes it: one raw layer per file,
 * named by {@code org.cncf.model.filepath}, a config stating the format ({@code onnx}) and the
 * layers' digests, annotations on the manifest. Pure format, no I/O: {@code gpux push} to an OCI
 * registry and {@code gpux export} to an OCI image layout write the same bytes, so a bundle copied
 * into a registry is what a push would have put there.
 */
package io.gpux.modelpack;
