package ai.kard.core.rerank;

import ai.kard.api.Question;
import ai.kard.api.Rationale;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * One training example of the reranker: a question's query text and one kept rationale.
 *
 * @param questionId the question's id
 * @param query      what the reranker sees at test time: {@link #queryOf(Question)}
 * @param rationale  the teacher's rationale, the query of the soft targets
 */
public record RerankerPair(String questionId, String query, String rationale) {
    /**
     * Checks that no part is null.
     *
     * @param questionId the question's id
     * @param query what the reranker sees at test time: {@link #queryOf(Question)}
     * @param rationale the teacher's rationale, the query of the soft targets
     */
    public RerankerPair {
        Objects.requireNonNull(questionId, "questionId");
        Objects.requireNonNull(query, "query");
        Objects.requireNonNull(rationale, "rationale");
    }

    /**
     * The question and its options as one query, the same text {@code KardModel.answer} searches and reranks
     * with at test time (the options name the entities the passages are about).
     *
     * @param question the question
     * @return the query text
     */
    public static String queryOf(Question question) {
        return question.text() + " " + String.join(" ", question.options());
    }

    /**
     * One pair per rationale whose question is among {@code questions}, in rationale order.
     *
     * @throws IllegalArgumentException when a rationale names an unknown question (naming it)
     * @param questions the known questions
     * @param rationales the rationales, each naming one of the questions
     * @return the pairs
     */
    public static List<RerankerPair> of(List<Question> questions, List<Rationale> rationales) {
        Map<String, Question> byId = new LinkedHashMap<>();
        for (Question q : questions) {
            byId.put(q.id(), q);
        }
        List<RerankerPair> pairs = new ArrayList<>(rationales.size());
        for (Rationale r : rationales) {
            Question q = byId.get(r.questionId());
            if (q == null) {
                throw new IllegalArgumentException("rationale for question \"" + r.questionId()
                        + "\" but no such question among the " + questions.size() + " given");
            }
            if (!r.text().isBlank()) {
                pairs.add(new RerankerPair(q.id(), queryOf(q), r.text()));
            }
        }
        return pairs;
    }

    /**
     * At most {@code count} of {@code pairs}, spread over as many questions as possible: the questions in a seeded
     * order, each question's pairs in a seeded order, then round by round one more pair per question (every
     * question's first pair before any question's second). All pairs, in their order, when there are no more than
     * {@code count}.
     *
     * @param pairs the (question, rationale) pairs
     * @param count the most pairs returned
     * @param seed the random seed
     * @return the chosen pairs
     */
    public static List<RerankerPair> spreadOverQuestions(List<RerankerPair> pairs, int count, long seed) {
        if (count < 0) {
            throw new IllegalArgumentException("count must be >= 0, got " + count);
        }
        if (pairs.size() <= count) {
            return List.copyOf(pairs);
        }
        Map<String, List<RerankerPair>> byQuestion = new LinkedHashMap<>();
        for (RerankerPair p : pairs) {
            byQuestion.computeIfAbsent(p.questionId(), id -> new ArrayList<>()).add(p);
        }
        SplittableRandom random = new SplittableRandom(seed ^ 0x5350524541444CL);
        List<List<RerankerPair>> questions = new ArrayList<>(byQuestion.values());
        shuffle(questions, random);
        for (List<RerankerPair> own : questions) {
            shuffle(own, random);
        }
        List<RerankerPair> chosen = new ArrayList<>(count);
        for (int round = 0; chosen.size() < count; round++) {
            for (List<RerankerPair> own : questions) {
                if (round < own.size() && chosen.size() < count) {
                    chosen.add(own.get(round));
                }
            }
        }
        return List.copyOf(chosen);
    }

    private static <T> void shuffle(List<T> list, SplittableRandom random) {
        for (int i = list.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            T t = list.get(i);
            list.set(i, list.get(j));
            list.set(j, t);
        }
    }
}
