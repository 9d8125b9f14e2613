package ai.kard.core.internal.train;

import java.util.List;

/**
 * Where a run stands, as saved in a checkpoint's {@code state.json}.
 *
 * @param epoch 0-based epoch in progress (equal to the number of epochs when training is finished)
 * @param position micro-batches of that epoch already consumed (in the epoch's shuffled order)
 * @param step optimizer steps done
 * @param seed the seed that derives every epoch's order and every step's engine seed
 * @param trainSize training batches per epoch (the order depends on it)
 * @param gradientAccumulation micro-batches per step (the grouping depends on it)
 * @param epochLossSum sum of micro-batch losses so far in this epoch
 * @param epochLossCount micro-batches summed in {@code epochLossSum}
 * @param elapsedSeconds training time so far
 * @param parameterNames names of the trained parameters, in checkpoint order
 * @param config the configuration's hyperparameters string, for the record and the resumption check
 */
public record TrainingState(int epoch, int position, long step, long seed, int trainSize, int gradientAccumulation,
        double epochLossSum, long epochLossCount, double elapsedSeconds, List<String> parameterNames, String config) {

    public TrainingState {
        parameterNames = List.copyOf(parameterNames);
    }
}
