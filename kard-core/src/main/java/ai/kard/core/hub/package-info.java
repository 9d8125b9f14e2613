/**
 * HuggingFace hub model references: {@code org/name[@revision]} resolved from the local HF cache
 * ({@code $HF_HOME/hub}), downloaded when online, and a one-line bad-input error naming the folder to fill when the
 * hub cannot be reached. Settings come from the {@code huggingface_hub} environment variables.
 */
package ai.kard.core.hub;
