package ai.kard.examples.cli;

import static ai.kard.examples.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import ai.kard.examples.cli.CliRun.Result;
import ai.kard.core.rerank.LateInteractionReranker;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RerankerCommandsTest {
    @TempDir
    Path tmp;

    private static final String[][] FACTS = {
        {"Borlam disease", "renal", "photophobia", "kidneys", "light sensitivity", "zotrine", "direct"},
        {"Cavex syndrome", "hepatic", "jaundice", "liver", "yellow skin", "mirapam", "two-hop"},
        {"Dunoth disorder", "cardiac", "syncope", "heart", "fainting", "kelvadol", "direct"},
        {"Fesk disease", "gastric", "emesis", "stomach", "vomiting", "prenolide", "two-hop"},
    };

    @Test
    void trainsARerankerThatLoadsWithOneCallAndEvaluatesIt() throws Exception {
        StringBuilder corpus = new StringBuilder();
        StringBuilder questions = new StringBuilder();
        StringBuilder rationales = new StringBuilder();
        StringBuilder qrels = new StringBuilder("query-id\tcorpus-id\tscore\n");
        for (int i = 0; i < FACTS.length; i++) {
            String[] f = FACTS[i];
            corpus.append(String.format("{\"id\":\"ent-%d\",\"title\":\"%s\",\"text\":\"%s is a %s disease with %s."
                    + " The first-line drug is %s.\"}%n", i, f[0], f[0], f[1], f[2], f[5]));
            corpus.append(String.format("{\"id\":\"drug-%d\",\"title\":\"%s\",\"text\":\"%s is an oral drug.\"}%n",
                    i, f[5], f[5]));
            String question = f[6].equals("direct") ? "Which drug is first-line for " + f[0] + "?"
                    : "An illness of the " + f[3] + " causes " + f[4] + ". Which drug is first-line?";
            questions.append(String.format("{\"id\":\"q%d\",\"question\":\"%s\",\"options\":[\"%s\",\"%s\"],"
                    + "\"answer\":0,\"kind\":\"%s\"}%n", i, question, f[5], FACTS[(i + 1) % 4][5], f[6]));
            rationales.append(String.format("{\"id\":\"q%d\",\"rationale\":\"A %s disease with %s is %s. Its"
                    + " first-line drug is %s.\\nAnswer: A\"}%n", i, f[1], f[2], f[0], f[5]));
            qrels.append("q").append(i).append("\tent-").append(i).append("\t1\n");
        }
        Path corpusFile = Files.writeString(tmp.resolve("corpus.jsonl"), corpus);
        Path questionFile = Files.writeString(tmp.resolve("questions.jsonl"), questions);
        Path rationaleFile = Files.writeString(tmp.resolve("rationales.jsonl"), rationales);
        Path qrelFile = Files.writeString(tmp.resolve("gold.tsv"), qrels);
        Path index = tmp.resolve("index");
        Result built = run("index", "--corpus", corpusFile.toString(), "--index", index.toString());
        assertThat(built.code()).as(built.err()).isZero();

        Path out = tmp.resolve("reranker");
        Result trained = run("train-reranker", "--index", index.toString(), "--questions", questionFile.toString(),
                "--rationales", rationaleFile.toString(), "--encoder", "scratch:bert-tiny", "--out", out.toString(),
                "--epochs", "1", "--dim", "16", "--candidates-rationale", "3", "--candidates-question", "3",
                "--sample", "2", "--keep-best", "--in-batch", "--soft-maxsim", "0.3,0.05",
                "--validation-questions", questionFile.toString(), "--validation-rationales",
                rationaleFile.toString());
        assertThat(trained.code()).as(trained.err()).isZero();
        assertThat(trained.out()).contains("trained on 4 pairs", "rationale's best passage among the candidates",
                "Hits@1 bm25=");
        assertThat(Files.list(index.resolve("kard-candidates")).count()).isEqualTo(1);
        try (LateInteractionReranker loaded = LateInteractionReranker.load(out)) {
            assertThat(loaded.scorer().settings().dim()).isEqualTo(16);
        }

        Result eval = run("rerank-eval", "--index", index.toString(), "--reranker", out.toString(), "--questions",
                questionFile.toString(), "--qrels", qrelFile.toString(), "--candidates", "5");
        assertThat(eval.code()).as(eval.err()).isZero();
        assertThat(eval.out()).contains("gold passage, all: Hits@1", "gold passage, direct: Hits@1",
                "gold passage, two-hop: Hits@1", "(n=2, reranking BM25 top-5)");

        // A KARD student evaluated with the reranker in front of its passages.
        Path student = tmp.resolve("student");
        Result distilled = run("distill", "--student", "scratch:t5-tiny", "--index", index.toString(), "--questions",
                questionFile.toString(), "--rationales", rationaleFile.toString(), "--out", student.toString(),
                "--epochs", "1");
        assertThat(distilled.code()).as(distilled.err()).isZero();
        Path predictions = tmp.resolve("predictions.jsonl");
        Result answered = run("eval", "--model", student.toString(), "--index", index.toString(), "--reranker",
                out.toString(), "--questions", questionFile.toString(), "--candidates", "5", "--max-new-tokens", "8",
                "--out", predictions.toString());
        assertThat(answered.code()).as(answered.err()).isZero();
        assertThat(answered.out().strip().lines().reduce((a, b) -> b).orElseThrow()).matches(
                "accuracy=[0-9.]+ n=4 no_answer=[0-4]");
        assertThat(Files.readAllLines(predictions)).hasSize(4).allSatisfy(line -> assertThat(line).contains(
                "\"passages\":[\""));
        Result noIndex = run("eval", "--model", student.toString(), "--reranker", out.toString(), "--questions",
                questionFile.toString());
        assertThat(noIndex.code()).isEqualTo(KardCli.BAD_INPUT);
        assertThat(noIndex.err()).contains("give --index too");
        Result notAReranker = run("eval", "--model", student.toString(), "--index", index.toString(), "--reranker",
                index.toString(), "--questions", questionFile.toString());
        assertThat(notAReranker.code()).isEqualTo(KardCli.BAD_INPUT);
        assertThat(notAReranker.err()).contains("not a folder written by kard train-reranker");

        Result bad = run("train-reranker", "--index", index.toString(), "--questions", questionFile.toString(),
                "--rationales", rationaleFile.toString(), "--encoder", "scratch:bert-tiny", "--out", out.toString(),
                "--validation-questions", questionFile.toString());
        assertThat(bad.code()).isEqualTo(KardCli.BAD_INPUT);
        assertThat(bad.err()).contains("--validation-rationales");

        Result badSoftness = run("train-reranker", "--index", index.toString(), "--questions",
                questionFile.toString(), "--rationales", rationaleFile.toString(), "--encoder", "scratch:bert-tiny",
                "--out", out.toString(), "--soft-maxsim", "0.3");
        assertThat(badSoftness.code()).isEqualTo(KardCli.BAD_INPUT);
        assertThat(badSoftness.err()).contains("--soft-maxsim takes START,END");
    }
}
