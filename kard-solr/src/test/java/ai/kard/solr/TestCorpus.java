package ai.kard.solr;

import ai.kard.api.Passage;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A generated English-like corpus for equality tests: Zipf-distributed words with inflections (so stemming
 * matters), stop words, possessives, punctuation, titles on most passages, and many near-duplicate lengths (so
 * ties in score happen and the id tie-break is exercised).
 */
final class TestCorpus {
    static final String[] STEMS = {
        "protein", "cell", "gene", "express", "receptor", "infect", "vaccin", "tumor", "patient", "dose", "treat",
        "diabet", "insulin", "blood", "pressur", "heart", "kidney", "liver", "brain", "neuron", "signal", "pathway",
        "inhibit", "activ", "bind", "mutat", "clinic", "trial", "risk", "factor", "surviv", "mortal", "ag",
        "children", "women", "men", "studi", "cohort", "analys", "model", "predict", "measur", "level", "increas",
        "decreas", "reduc", "effect", "associ", "respons", "immun", "antibodi", "viru", "bacteria", "resist",
        "drug", "therapi", "surgeri", "outcom", "diseas", "syndrom", "chronic", "acut", "sever", "mild", "symptom",
        "diagnos", "imag", "scan", "tissu", "sampl", "plasma", "serum", "concentr", "metabol", "enzym", "hormon",
        "growth", "develop", "differ", "stem", "transplant", "donor", "graft", "rejection", "smok", "alcohol",
        "diet", "exercis", "weight", "obes", "lipid", "cholesterol", "vitamin", "calcium", "iron", "bone", "muscl",
        "lung", "cancer", "breast", "prostat", "colon", "skin", "eye", "retin", "ear", "cortex", "memori", "sleep"};
    static final String[] SUFFIXES = {"", "", "", "s", "ed", "ing", "ion", "ions", "ive", "ly", "'s", "er", "ers"};
    static final String[] STOP = {"the", "of", "and", "in", "to", "a", "is", "was", "with", "for", "by", "that",
        "this", "are", "be", "on", "as", "it", "not", "or", "at", "such", "these", "their", "but", "no", "into"};

    private TestCorpus() {
    }

    static String word(Random random) {
        if (random.nextInt(4) == 0) {
            return STOP[random.nextInt(STOP.length)];
        }
        // Zipf-like: low indexes far more often.
        int i = (int) Math.floor(Math.pow(random.nextDouble(), 2.2) * STEMS.length);
        return STEMS[i] + SUFFIXES[random.nextInt(SUFFIXES.length)];
    }

    static String text(Random random, int words) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < words; i++) {
            String w = word(random);
            if (i == 0 || sb.charAt(sb.length() - 2) == '.') {
                w = Character.toUpperCase(w.charAt(0)) + w.substring(1);
            }
            sb.append(w);
            int r = random.nextInt(20);
            sb.append(r == 0 ? ". " : r == 1 ? ", " : r == 2 ? " (" + random.nextInt(100) + "%) " : " ");
        }
        return sb.toString().strip();
    }

    static List<Passage> passages(int n, long seed) {
        Random random = new Random(seed);
        List<Passage> passages = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String title = random.nextInt(5) == 0 ? "" : text(random, 2 + random.nextInt(5));
            // Few distinct lengths: equal-length passages with the same matching terms tie exactly.
            int words = 20 + 10 * random.nextInt(5);
            passages.add(new Passage(String.format("doc%05d", i * 7919 % 100_003), title, text(random, words)));
        }
        return passages;
    }

    /** {@code n} question-length queries (5 to 15 words) then {@code n} rationale-length ones (120 words). */
    static List<String> queries(int n, long seed) {
        Random random = new Random(seed);
        List<String> queries = new ArrayList<>(2 * n);
        for (int i = 0; i < n; i++) {
            queries.add(text(random, 5 + random.nextInt(11)) + "?");
        }
        for (int i = 0; i < n; i++) {
            queries.add(text(random, 120));
        }
        return queries;
    }
}
