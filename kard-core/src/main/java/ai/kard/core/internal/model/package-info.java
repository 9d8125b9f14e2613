/**
 * Student language models on DJL: the {@link ai.kard.core.internal.model.LanguageModel} contract, the registry that
 * picks an architecture by {@code config.json}'s {@code model_type}
 * ({@link ai.kard.core.internal.model.registry.ArchitectureRegistry}) and dropout. One sub-package per architecture; adding
 * one touches a new package and one registry line. Internal: not part of the API, may change in any release.
 */
package ai.kard.core.internal.model;
