/**
 * Where and in which precision a model runs: {@link ai.kard.core.model.ModelOptions} (device, data type, the check
 * that the device is usable). The model implementations themselves are internal
 * ({@code ai.kard.core.internal.model}).
 */
package ai.kard.core.model;
