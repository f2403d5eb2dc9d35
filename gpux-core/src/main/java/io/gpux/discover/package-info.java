/**
 * Discovery across registries: {@code gpux search} over every configured registry at once and
 * {@code gpux compare} of models side by side, and {@code gpux recommend} ({@link
 * io.gpux.discover.Recommender}), which weighs the search's {@link io.gpux.discover.Candidate}s on
 * this machine: latency measured by one harness and kept in the index per model file and machine
 * fingerprint ({@code recommend_latency}), accuracy as the registries state it.
 *
 * <p>A search fans out to each registry's {@link io.gpux.registry.Searchable} on its own thread
 * with its own timeout; what a registry can filter on its side is sent to it, and every filter is
 * then applied here the same way for all, on summaries whose task has been mapped onto one
 * vocabulary ({@link io.gpux.discover.TaskVocabulary}, data in {@code tasks.json}). Hits that are
 * one model reachable twice (a zoo model and its Hugging Face mirror) merge into one candidate with
 * both sources. A registry that fails is reported beside the rest, never instead of them. Answers
 * are kept briefly in the index ({@code search_cache}), and with {@code GPUX_OFFLINE=1} the index
 * (stored models and cached answers) is all that is searched.
 */
package io.gpux.discover;
