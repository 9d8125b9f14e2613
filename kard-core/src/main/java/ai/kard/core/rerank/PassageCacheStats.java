package ai.kard.core.rerank;

/**
 * Counts of a reranker's passage-vector cache ({@link LateInteractionReranker#cacheStats()}).
 *
 * @param hitCount      lookups answered from the cache
 * @param missCount     lookups that had to encode the passage
 * @param evictionCount vectors dropped to keep the cache within its size
 */
public record PassageCacheStats(long hitCount, long missCount, long evictionCount) {
    /**
     * The share of lookups answered from the cache.
     *
     * @return hits / (hits + misses), 1.0 when there was no lookup (as Guava's cache statistics)
     */
    public double hitRate() {
        long lookups = hitCount + missCount;
        return lookups == 0 ? 1.0 : (double) hitCount / lookups;
    }

    @Override
    public String toString() {
        return "PassageCacheStats(hits=" + hitCount + ",misses=" + missCount + ",evictions=" + evictionCount + ")";
    }
}
