package ai.kard.core.rerank;

import ai.kard.api.Question;
import ai.kard.api.Rationale;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One training example of the reranker (method.md section 4): a question's query text and one kept rationale.
 *
 * @param questionId the question's id
 * @param query      what the reranker sees at test time: {@link #queryOf(Question)}
 * @param rationale  the teacher's rationale, the query of the soft targets
 */
public record RerankerPair(String questionId, String query, String rationale) {
    public RerankerPair {
        Objects.requireNonNull(questionId, "questionId");
        Objects.requireNonNull(query, "query");
        Objects.requireNonNull(rationale, "rationale");
    }

    /**
     * The question and its options as one query, the same text {@code KardModel.answer} searches and reranks
     * with at test time (the options name the entities the passages are about).
     */
    public static String queryOf(Question question) {
        return question.text() + " " + String.join(" ", question.options());
    }

    /**
     * One pair per rationale whose question is among {@code questions}, in rationale order.
     *
     * @throws IllegalArgumentException when a rationale names an unknown question (naming it)
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
}
