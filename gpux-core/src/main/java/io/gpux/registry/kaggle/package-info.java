/**
 * Kaggle Models and the TensorFlow Hub handles that now redirect there: {@code
 * kaggle:OWNER/MODEL/FRAMEWORK/VARIATION[/VERSION]} as kagglehub writes its handles, {@code
 * https://www.kaggle.com/models/...} URLs, and {@code tfhub:HANDLE} / {@code https://tfhub.dev/...}
 * mapped to Kaggle by following tfhub.dev's own redirect.
 *
 * <p>The API is kagglesdk's RPC protocol ({@code POST /v1/models.ModelApiService/<Method>} with a
 * camelCase JSON body): {@code GetModelInstance} for the latest version, {@code
 * ListModelInstanceVersionFiles} for the files, {@code DownloadModelInstanceVersion} answered with
 * a redirect to a signed storage URL whose response declares the MD5 in {@code x-goog-hash}; more
 * than 25 files come as one archive, as kagglehub decides. Credentials are read as the official
 * client reads them (a Bearer API token, or a user name and key as Basic auth) and go to the API
 * host only. Variations whose framework is TensorFlow 2, Keras or TFLite are fetched as they are
 * and handed to a {@link io.gpux.registry.ModelConverter}.
 */
package io.gpux.registry.kaggle;
