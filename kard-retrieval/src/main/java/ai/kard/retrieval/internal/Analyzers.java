package ai.kard.retrieval.internal;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;

/**
 * The analyzer of Anserini's default English setup: StandardTokenizer, possessive removal, lower-casing,
 * Lucene's 33 English stop words, Porter stemming. Its {@link #NAME} is recorded in the index metadata.
 */
public final class Analyzers {
    public static final String NAME = "english(standard,possessive,lowercase,stop=lucene-english,porter)";

    private Analyzers() {
    }

    public static Analyzer english() {
        return new EnglishAnalyzer(EnglishAnalyzer.ENGLISH_STOP_WORDS_SET);
    }
}
