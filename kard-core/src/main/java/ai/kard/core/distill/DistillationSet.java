package ai.kard.core.distill;

import ai.kard.api.InvalidSettingException;
import ai.kard.api.KnowledgeBase;
import ai.kard.api.Passage;
import ai.kard.api.Question;
import ai.kard.api.Rationale;
import ai.kard.api.ScoredPassage;
import ai.kard.core.answer.FilterReport;
import ai.kard.core.answer.RationaleFilter;
import ai.kard.core.answer.TargetFormatter;
import ai.kard.core.data.RationaleRecord;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The distillation examples of a training set: rationales filtered against the gold
 * answer, one example per kept rationale, and in KARD mode the top-k passages retrieved with the RATIONALE as the
 * query (one retrieval per rationale, so rationales of one question see different passages).
 *
 * @param examples            one per kept rationale, in question order
 * @param report              kept and dropped rationales per reason
 * @param unmatchedRationales rationales whose id names no question (ignored)
 */
record DistillationSet(List<DistillationExample> examples, FilterReport report, int unmatchedRationales) {
    private static final Logger LOG = LoggerFactory.getLogger(DistillationSet.class);

    public DistillationSet {
        examples = List.copyOf(examples);
    }

    /**
     * Builds the examples.
     *
     * @param knowledgeBase the knowledge base for KARD, or null for plain reasoning distillation
     * @param passages      passages per example (k), ignored without a knowledge base
     * @throws IllegalArgumentException when no rationale matches a question, a question id repeats, the knowledge
     *                                  base is empty or no rationale survives filtering
     */
    public static DistillationSet build(List<Question> questions, List<Rationale> rationales,
                                        KnowledgeBase knowledgeBase, int passages) throws IOException {
        if (knowledgeBase != null && passages <= 0) {
            throw new InvalidSettingException("passages per example must be positive, got " + passages);
        }
        if (knowledgeBase != null && knowledgeBase.size() == 0) {
            throw new InvalidSettingException("the knowledge base is empty: index a corpus first");
        }
        Map<String, Question> byId = indexById(questions);
        Map<String, List<RationaleRecord>> grouped = new LinkedHashMap<>();
        int unmatched = 0;
        String firstUnmatched = null;
        for (Rationale r : rationales) {
            if (!byId.containsKey(r.questionId())) {
                unmatched++;
                firstUnmatched = firstUnmatched == null ? r.questionId() : firstUnmatched;
                continue;
            }
            grouped.computeIfAbsent(r.questionId(), id -> new ArrayList<>()).add(RationaleRecord.of(r.questionId(),
                    r.text()));
        }
        if (grouped.isEmpty()) {
            throw new InvalidSettingException(rationales.isEmpty() ? "no rationales given"
                    : "none of the " + rationales.size() + " rationales has the id of one of the "
                    + questions.size() + " questions (first rationale id: \"" + firstUnmatched + "\")");
        }
        if (unmatched > 0) {
            LOG.warn("{} of {} rationales name no known question (first: \"{}\"); ignored", unmatched,
                    rationales.size(), firstUnmatched);
        }
        FilterReport report = new FilterReport();
        List<Question> exampleQuestions = new ArrayList<>();
        List<String> rationaleTexts = new ArrayList<>();
        List<String> targets = new ArrayList<>();
        for (Map.Entry<String, List<RationaleRecord>> entry : grouped.entrySet()) {
            Question question = byId.get(entry.getKey());
            for (RationaleRecord record : RationaleFilter.filter(question, entry.getValue(), report)) {
                if (Boolean.TRUE.equals(record.kept())) {
                    exampleQuestions.add(question);
                    rationaleTexts.add(record.text());
                    targets.add(TargetFormatter.format(record.text(), question.answer(), question.options()));
                }
            }
        }
        LOG.info("rationale filter: {}", report);
        if (targets.isEmpty()) {
            throw new InvalidSettingException("no rationale survived filtering (" + report
                    + "); rationales must conclude with their question's gold answer");
        }
        List<List<ScoredPassage>> retrieved = knowledgeBase == null ? null
                : knowledgeBase.searchAll(rationaleTexts, passages);
        List<DistillationExample> examples = new ArrayList<>(targets.size());
        for (int i = 0; i < targets.size(); i++) {
            List<Passage> knowledge = retrieved == null ? List.of()
                    : retrieved.get(i).stream().map(ScoredPassage::passage).toList();
            Question question = exampleQuestions.get(i);
            examples.add(new DistillationExample(question.id(), PromptInput.of(question, knowledge),
                    knowledge.stream().map(Passage::id).toList(), targets.get(i)));
        }
        return new DistillationSet(examples, report, unmatched);
    }

    /** Questions by id; a repeated id is an error. */
    static Map<String, Question> indexById(List<Question> questions) {
        Map<String, Question> byId = new LinkedHashMap<>();
        for (Question q : questions) {
            if (byId.put(q.id(), q) != null) {
                throw new InvalidSettingException("question id \"" + q.id() + "\" occurs twice");
            }
        }
        return byId;
    }
}
