package ai.kard.core.rerank;

import ai.kard.api.KnowledgeBase;
import ai.kard.api.Passage;
import ai.kard.api.Question;
import ai.kard.api.Rationale;
import ai.kard.api.ScoredPassage;
import ai.kard.retrieval.Bm25Settings;
import ai.kard.retrieval.LuceneKnowledgeBase;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/** A small invented-facts knowledge base with questions that describe diseases in lay words, like the demo. */
final class RerankFixtures {
    static final String[][] DISEASES = {
        {"Borlam disease", "renal", "photophobia", "anosmia", "kidneys", "light sensitivity", "smell loss", "zotrine"},
        {"Cavex syndrome", "hepatic", "pruritus", "jaundice", "liver", "itching", "yellow skin", "mirapam"},
        {"Dunoth disorder", "cardiac", "dyspnea", "syncope", "heart", "breathlessness", "fainting", "kelvadol"},
        {"Fesk disease", "gastric", "emesis", "dysphagia", "stomach", "vomiting", "trouble swallowing", "prenolide"},
        {"Gimra syndrome", "pulmonary", "hemoptysis", "tachypnea", "lungs", "coughing blood", "fast breathing",
            "sulvane"},
        {"Hobet disorder", "dermal", "erythema", "alopecia", "skin", "redness", "hair loss", "tixaprine"},
    };

    private RerankFixtures() {
    }

    static List<Passage> passages() {
        List<Passage> out = new ArrayList<>();
        for (int i = 0; i < DISEASES.length; i++) {
            String[] d = DISEASES[i];
            out.add(new Passage("ent-" + i, d[0], d[0] + " is a " + d[1] + " disease with " + d[2] + " and " + d[3]
                    + ". The first-line drug is " + d[7] + "."));
            out.add(new Passage("drug-" + i, d[7], d[7] + " is an oral drug. Side effects include "
                    + DISEASES[(i + 1) % DISEASES.length][2] + ". Doses are reduced in " + d[1] + " impairment."));
        }
        return out;
    }

    static List<Question> questions() {
        List<Question> out = new ArrayList<>();
        for (int i = 0; i < DISEASES.length; i++) {
            String[] d = DISEASES[i];
            List<String> options = new ArrayList<>();
            for (int j = 0; j < 4; j++) {
                options.add(DISEASES[(i + j) % DISEASES.length][7]);
            }
            out.add(new Question("q" + i, "An illness of the " + d[4] + " causes " + d[5] + " and " + d[6]
                    + ". Which drug is first-line?", options, 0));
        }
        return out;
    }

    static List<Rationale> rationales() {
        List<Rationale> out = new ArrayList<>();
        for (int i = 0; i < DISEASES.length; i++) {
            String[] d = DISEASES[i];
            out.add(new Rationale("q" + i, "A " + d[1] + " disease with " + d[2] + " and " + d[3] + " is " + d[0]
                    + ". Its first-line drug is " + d[7] + ".\nAnswer: A"));
        }
        return out;
    }

    static LuceneKnowledgeBase knowledgeBase() throws IOException {
        return LuceneKnowledgeBase.inMemory(passages(), Bm25Settings.DEFAULT);
    }

    /** Counts searches, delegates everything. */
    static final class CountingKnowledgeBase implements KnowledgeBase {
        final KnowledgeBase delegate;
        final AtomicInteger searches = new AtomicInteger();
        final AtomicInteger scores = new AtomicInteger();

        CountingKnowledgeBase(KnowledgeBase delegate) {
            this.delegate = delegate;
        }

        @Override
        public List<ScoredPassage> search(String query, int k) throws IOException {
            searches.incrementAndGet();
            return delegate.search(query, k);
        }

        @Override
        public List<ScoredPassage> score(String query, Collection<String> passageIds) throws IOException {
            scores.incrementAndGet();
            return delegate.score(query, passageIds);
        }

        @Override
        public Optional<Passage> passage(String id) throws IOException {
            return delegate.passage(id);
        }

        @Override
        public int size() {
            return delegate.size();
        }

        @Override
        public void close() throws IOException {
            delegate.close();
        }

        @Override
        public String toString() {
            return "Counting(" + delegate + ")";
        }
    }
}
