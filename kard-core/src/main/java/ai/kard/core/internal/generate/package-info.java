/** Token selection during generation: greedy, or sampling with temperature, top-k and top-p as HF does. */
package ai.kard.core.internal.generate;
