/** OPT decoders ({@code model_type} opt): 125m-style pre-LN and 350m-style post-LN with input/output projections. */
package ai.kard.core.internal.model.opt;
