package ai.kard.core.internal.train;

/** Implemented by batches that know how many tokens they hold; the trainer then reports tokens/s. */
public interface TokenCounted {

    /** Tokens processed by this batch (for example the non-padding input plus target tokens). */
    long tokenCount();
}
