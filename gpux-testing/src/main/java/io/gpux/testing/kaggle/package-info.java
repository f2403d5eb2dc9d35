/**
 * A faithful local Kaggle Models server ({@link io.gpux.testing.kaggle.FakeKaggle}), proven by the
 * official kagglehub client (python/kaggle_fidelity.py).
 */
package io.gpux.testing.kaggle;
