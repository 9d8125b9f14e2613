/**
 * Student language models on DJL: the {@link ai.kard.core.model.LanguageModel} contract, the registry that picks
 * an architecture by {@code config.json}'s {@code model_type} ({@link ai.kard.core.model.ArchitectureRegistry}),
 * where and in which precision a model runs ({@link ai.kard.core.model.ModelOptions}) and dropout. One
 * sub-package per architecture; adding one touches a new package and one registry line.
 */
package ai.kard.core.model;
