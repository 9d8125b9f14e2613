package ai.kard.core.internal.model.common;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

/**
 * Per-layer keys and values of the tokens already processed, {@code [batch, kvHeads, seen, headDim]}, grown by
 * one step's keys at a time. Arrays live in the generation call's manager; replaced arrays are closed at once.
 */
public final class KvCache {
    private final NDManager manager;
    private final NDArray[] keys;
    private final NDArray[] values;

    public KvCache(NDManager manager, int layers) {
        this.manager = manager;
        this.keys = new NDArray[layers];
        this.values = new NDArray[layers];
    }

    /** Appends this step's keys and values of {@code layer}; returns the full keys and values so far. */
    public NDList append(int layer, NDArray newKeys, NDArray newValues) {
        keys[layer] = grow(keys[layer], newKeys);
        values[layer] = grow(values[layer], newValues);
        return new NDList(keys[layer], values[layer]);
    }

    private NDArray grow(NDArray old, NDArray added) {
        NDArray grown;
        if (old == null) {
            grown = added.duplicate();
        } else {
            grown = old.concat(added, 2);
            old.close();
        }
        grown.attach(manager);
        return grown;
    }

    /** Tokens already cached (0 before the first step). */
    public long length() {
        return keys[0] == null ? 0 : keys[0].getShape().get(2);
    }
}
