package ai.kard.core.teacher;

import ai.kard.api.InvalidInputException;
import ai.kard.api.Question;
import ai.kard.core.answer.FilterReport;
import ai.kard.core.answer.RationaleFilter;
import ai.kard.core.data.RationaleReader;
import ai.kard.core.data.RationaleRecord;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Converts released teacher outputs (KARD's {@code rationales/*.jsonl.gz}, folders of raw chat.completion
 * files, or our own JSONL) into Kard rationale records with the same filtering as {@code kard teacher}.
 * Records keyed only by row are attached to the question at that row of the question file. Without questions
 * (MedQA's train split is not available) every rationale is imported by its own id, {@code unverified}.
 */
public final class RationaleImporter {
    private RationaleImporter() {
    }

    /**
     * The outcome of an import.
     *
     * @param records         filtered records, grouped by question in input order
     * @param report          counts per reason
     * @param questions       distinct question ids in the input
     * @param unknownQuestions ids that match no question (imported unverified)
     */
    public record Result(List<RationaleRecord> records, FilterReport report, int questions, int unknownQuestions) {
    }

    /**
     * Imports {@code in}; {@code questions} may be null (no verification).
     *
     * @param in the rationale file (JSON Lines, optionally gzipped)
     * @param questions the questions to verify against, or null for no verification
     * @return the imported records and the filter report
     * @throws IOException when a file cannot be read or written
     */
    public static Result importFrom(Path in, List<Question> questions) throws IOException {
        List<RationaleRecord> raw = RationaleReader.readRecords(in);
        if (raw.isEmpty()) {
            throw new InvalidInputException(in, 0, "no rationales found");
        }
        Map<String, Question> byId = new HashMap<>();
        if (questions != null) {
            questions.forEach(q -> byId.put(q.id(), q));
        }
        Map<String, List<RationaleRecord>> grouped = new LinkedHashMap<>();
        for (RationaleRecord r : raw) {
            String id = r.questionId();
            if (id == null) { // raw response folders are keyed by row only
                if (questions == null) {
                    id = String.format(Locale.ROOT, "row-%05d", r.row());
                } else if (r.row() < 0 || r.row() >= questions.size()) {
                    throw new InvalidInputException(in, 0, "rationale row " + r.row() + " is outside the "
                            + questions.size() + " questions");
                } else {
                    id = questions.get(r.row()).id();
                }
            }
            grouped.computeIfAbsent(id, k -> new ArrayList<>()).add(r.withQuestionId(id));
        }
        int unknown = 0;
        if (questions != null) {
            for (String id : grouped.keySet()) {
                if (!byId.containsKey(id)) {
                    unknown++;
                }
            }
            if (unknown == grouped.size()) {
                throw new InvalidInputException(in, 0, "none of the " + grouped.size() + " rationale ids (e.g. '"
                        + grouped.keySet().iterator().next() + "') matches a question id");
            }
        }
        FilterReport report = new FilterReport();
        List<RationaleRecord> out = new ArrayList<>(raw.size());
        for (Map.Entry<String, List<RationaleRecord>> e : grouped.entrySet()) {
            out.addAll(RationaleFilter.filter(byId.get(e.getKey()), e.getValue(), report));
        }
        return new Result(out, report, grouped.size(), unknown);
    }
}
