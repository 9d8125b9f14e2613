/**
 * The architecture registry: picks an architecture by {@code config.json}'s {@code model_type}, loads and creates
 * models. Adding an architecture adds one line here. Internal: not part of the API, may change in any release.
 */
package ai.kard.core.internal.model.registry;
