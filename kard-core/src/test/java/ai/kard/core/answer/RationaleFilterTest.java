package ai.kard.core.answer;

import static org.assertj.core.api.Assertions.assertThat;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.kard.api.Question;
import ai.kard.core.data.QuestionReader;
import ai.kard.core.data.RationaleReader;
import ai.kard.core.data.RationaleRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class RationaleFilterTest {
    static final Question Q = new Question("q1", "Which drug?", List.of("zoravine", "kelpitol", "mestrane"), 1);

    private static RationaleRecord r(String text) {
        return RationaleRecord.of("q1", text);
    }

    @Test
    void verdictsAndCounts() {
        List<RationaleRecord> in = List.of(
                r("Kelpitol blocks the enzyme.\nAnswer: B"),
                r("  kelpitol blocks   the enzyme.\nAnswer: B"),
                r("It is zoravine.\nAnswer: A"),
                r("Hard to say."),
                r(" "),
                new RationaleRecord("q1", null, "The answer is (B) but I ran out", null, null, null, "length"),
                r("This question is identical to the first question. Answer: B"),
                r("The answer is (B)."),
                RationaleRecord.failure("q1", "HTTP 500"));
        FilterReport report = new FilterReport();
        List<RationaleRecord> out = RationaleFilter.filter(Q, in, report);
        assertThat(out).extracting(RationaleRecord::reason).containsExactly(
                "kept", "duplicate", "wrong_answer", "no_answer", "empty", "truncated", "artefact", "kept", null);
        assertThat(out).extracting(RationaleRecord::kept).containsExactly(
                true, false, false, false, false, false, false, true, null);
        assertThat(report.kept()).isEqualTo(2);
        assertThat(report.dropped()).isEqualTo(6);
        assertThat(report.byReason()).containsEntry("kept", 2L).containsEntry("no_answer", 1L).hasSize(7);
    }

    @Test
    void unknownQuestionIsUnverified() {
        FilterReport report = new FilterReport();
        List<RationaleRecord> out = RationaleFilter.filter(null, List.of(r("x"), r("y"), r("x")), report);
        assertThat(out).extracting(RationaleRecord::reason).containsExactly("unverified", "unverified", "duplicate");
        assertThat(out.get(0).kept()).isNull();
        assertThat(out.get(0).usable()).isTrue();
        assertThat(report.unverified()).isEqualTo(2);
        assertThat(report.dropped()).isEqualTo(1);
    }

    @Test
    void releasedStrategyQaRationalesMostlyAgreeWithGold() throws IOException {
        Path data = Path.of(System.getProperty("kard.repo.root", ".")).resolve("../shared/data/strategyqa").normalize();
        Path questions = data.resolve("kard/train.json");
        Path rationales = data.resolve("rationales/kard_chatgpt_train_rationales.jsonl.gz");
        assumeTrue(Files.exists(questions) && Files.exists(rationales), "StrategyQA data absent");
        Map<String, Question> byId = QuestionReader.read(questions).stream()
                .collect(Collectors.toMap(Question::id, Function.identity()));
        FilterReport report = new FilterReport();
        // the first 500 questions keep the test fast; kard import-rationales reports the full set
        RationaleReader.readRecords(rationales).stream().filter(r -> r.row() < 500)
                .collect(Collectors.groupingBy(RationaleRecord::questionId))
                .forEach((id, rs) -> RationaleFilter.filter(byId.get(id), rs, report));
        // the teacher was given the gold answer: nearly all rationales state it, few state the other option
        assertThat(report.total()).isEqualTo(5000);
        assertThat(report.kept()).isGreaterThan(5000 * 85 / 100);
        assertThat(report.byReason().getOrDefault(RationaleFilter.WRONG_ANSWER, 0L)).isLessThan(5000 * 3 / 100);
    }
}
