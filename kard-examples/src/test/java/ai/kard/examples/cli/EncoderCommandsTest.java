package ai.kard.examples.cli;

import static ai.kard.examples.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import ai.kard.core.model.ModelOptions;
import ai.kard.core.internal.model.bert.BertConfig;
import ai.kard.core.internal.model.bert.BertEncoder;
import ai.kard.core.rerank.LateInteractionReranker;
import ai.kard.core.rerank.ScoringMode;
import ai.kard.core.internal.tokenizer.TextTokenizer;
import ai.kard.examples.cli.CliRun.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A pretrained encoder folder on the command line: dense and reranked retrieval, zero-shot rerank-eval, training. */
class EncoderCommandsTest {
    private static final String LAST_LINE = "ndcg@10=\\d\\.\\d{4} recall@100=\\d\\.\\d{4}";
    private static final String CORPUS = """
            {"id": "d1", "title": "Apples", "text": "Red apples are sweet and crunchy."}
            {"id": "d2", "title": "", "text": "Green apples are sour."}
            {"id": "d3", "title": "Sky", "text": "The sky is blue because of Rayleigh scattering."}
            {"id": "d4", "title": "Iron", "text": "Iron rusts when exposed to water and oxygen."}
            {"id": "d5", "title": "", "text": "The moon orbits the earth every twenty-seven days."}
            """;

    @TempDir
    Path tmp;
    Path index;
    Path queries;
    Path qrels;
    Path encoder;

    private static void assertBadInput(Result r, String... fragments) {
        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(KardCli.BAD_INPUT);
        assertThat(r.err().strip()).doesNotContain("\n").contains(fragments);
    }

    @BeforeEach
    void setUp() throws Exception {
        Path corpus = Files.writeString(tmp.resolve("corpus.jsonl"), CORPUS);
        index = tmp.resolve("index");
        assertThat(run("index", "--corpus", corpus.toString(), "--index", index.toString()).code()).isZero();
        queries = Files.writeString(tmp.resolve("queries.jsonl"), "{\"_id\": \"q1\", \"text\": \"sweet red apples\"}\n"
                + "{\"_id\": \"q2\", \"text\": \"why does iron rust\"}\n");
        qrels = Files.writeString(tmp.resolve("qrels.tsv"), "query-id\tcorpus-id\tscore\nq1\td1\t1\nq2\td4\t1\n");
        // A "pretrained" encoder folder in HF layout: tiny random weights, the bundled WordPiece tokenizer.
        encoder = tmp.resolve("encoder");
        try (BertEncoder bert = BertEncoder.create(new BertConfig(30522, 32, 2, 2, 64, 512, 2, 1e-12, "gelu", 0,
                0.02), 5, ModelOptions.cpu()); TextTokenizer tokenizer = TextTokenizer.bundledWordPiece()) {
            bert.save(encoder);
            tokenizer.save(encoder);
        }
    }

    private Result evalRetrieval(String... extra) {
        String[] base = {"eval-retrieval", "--index", index.toString(), "--queries", queries.toString(), "--qrels",
            qrels.toString()};
        String[] args = java.util.Arrays.copyOf(base, base.length + extra.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return run(args);
    }

    @Test
    void evalRetrievalDenseAndRerankKeepTheLastLine() throws Exception {
        Result bm25 = evalRetrieval();
        assertThat(bm25.code()).as(bm25.err()).isZero();

        Path vectors = tmp.resolve("corpus.vectors");
        Result dense = evalRetrieval("--encoder", encoder.toString(), "--mode", "dense", "--passage-vectors",
                vectors.toString());
        assertThat(dense.code()).as(dense.err()).isZero();
        assertThat(dense.out()).contains("dense over the whole corpus", "passage vectors written to");
        assertThat(dense.lastLine()).matches(LAST_LINE);
        assertThat(vectors).exists();
        Result again = evalRetrieval("--encoder", encoder.toString(), "--passage-vectors", vectors.toString());
        assertThat(again.code()).as(again.err()).isZero();
        assertThat(again.out()).doesNotContain("passage vectors written to");
        assertThat(again.lastLine()).isEqualTo(dense.lastLine());

        for (String scoring : new String[] {"late", "bi"}) {
            Result reranked = evalRetrieval("--encoder", encoder.toString(), "--mode", "rerank", "--scoring", scoring);
            assertThat(reranked.code()).as(reranked.err()).isZero();
            assertThat(reranked.out()).contains("BM25 top 100 reranked");
            assertThat(reranked.lastLine()).matches(LAST_LINE);
            // Reranking reorders BM25's candidates, it does not change which passages are found.
            assertThat(reranked.lastLine().replaceAll(".*recall", "recall"))
                    .isEqualTo(bm25.lastLine().replaceAll(".*recall", "recall"));
        }
        Result precomputed = evalRetrieval("--encoder", encoder.toString(), "--mode", "rerank", "--scoring", "bi",
                "--passage-vectors", vectors.toString());
        assertThat(precomputed.code()).as(precomputed.err()).isZero();
        assertThat(precomputed.lastLine()).matches(LAST_LINE);
    }

    @Test
    void badEncoderOptionsExitTwoNamingTheValue() throws Exception {
        assertBadInput(evalRetrieval("--encoder", encoder.toString(), "--mode", "sparse"), "--mode sparse");
        assertBadInput(evalRetrieval("--encoder", encoder.toString(), "--scoring", "late"), "--scoring late");
        assertBadInput(evalRetrieval("--encoder", encoder.toString(), "--mode", "rerank", "--scoring", "max"),
                "--scoring max");
        assertBadInput(evalRetrieval("--mode", "rerank"), "--mode rerank", "--encoder");
        assertBadInput(evalRetrieval("--encoder", tmp.resolve("absent").toString()), "absent");
        Path notAModel = Files.createDirectories(tmp.resolve("empty-folder"));
        assertBadInput(evalRetrieval("--encoder", notAModel.toString()), "empty-folder");
        Path garbage = Files.writeString(tmp.resolve("garbage.vectors"), "not vectors");
        assertBadInput(evalRetrieval("--encoder", encoder.toString(), "--passage-vectors", garbage.toString()),
                "garbage.vectors");
        Path questions = Files.writeString(tmp.resolve("questions.jsonl"),
                "{\"id\":\"q1\",\"question\":\"Which apples are sweet?\",\"options\":[\"red\",\"green\"],\"answer\":0}\n");
        assertBadInput(run("rerank-eval", "--index", index.toString(), "--questions", questions.toString(),
                "--qrels", qrels.toString(), "--encoder", encoder.toString(), "--mode", "dense"), "--mode dense");
        assertBadInput(run("rerank-eval", "--index", index.toString(), "--questions", questions.toString(),
                "--qrels", qrels.toString(), "--encoder", encoder.toString(), "--reranker", encoder.toString()),
                "either --reranker");
    }

    @Test
    void rerankEvalZeroShotAndTrainRerankerFromTheEncoderFolder() throws Exception {
        Path questions = Files.writeString(tmp.resolve("questions.jsonl"),
                "{\"id\":\"q1\",\"question\":\"Which apples are sweet?\",\"options\":[\"red\",\"green\"],\"answer\":0}\n"
                + "{\"id\":\"q2\",\"question\":\"What makes iron rust?\",\"options\":[\"water\",\"light\"],\"answer\":0}\n");
        Path rationales = Files.writeString(tmp.resolve("rationales.jsonl"),
                "{\"id\":\"q1\",\"rationale\":\"Red apples are sweet.\\nAnswer: A\"}\n"
                + "{\"id\":\"q2\",\"rationale\":\"Iron rusts with water and oxygen.\\nAnswer: A\"}\n");
        for (String mode : new String[] {"late", "bi"}) {
            Result zeroShot = run("rerank-eval", "--index", index.toString(), "--questions", questions.toString(),
                    "--qrels", qrels.toString(), "--encoder", encoder.toString(), "--mode", mode, "--candidates", "5");
            assertThat(zeroShot.code()).as(zeroShot.err()).isZero();
            assertThat(zeroShot.out()).contains("zero-shot", "mode=" + ScoringMode.parse(mode).jsonName(),
                    "gold passage, all: Hits@1 bm25=");
            // The same encoder on ONNX Runtime ranks the same passages.
            Result onnx = run("rerank-eval", "--index", index.toString(), "--questions", questions.toString(),
                    "--qrels", qrels.toString(), "--encoder", encoder.toString(), "--mode", mode, "--candidates", "5",
                    "--reranker-runtime", "onnx");
            assertThat(onnx.code()).as(onnx.err()).isZero();
            assertThat(onnx.out()).isEqualTo(zeroShot.out());
        }
        assertBadInput(run("rerank-eval", "--index", index.toString(), "--questions", questions.toString(),
                "--qrels", qrels.toString(), "--encoder", encoder.toString(), "--reranker-runtime", "tpu"),
                "--reranker-runtime tpu");

        Path out = tmp.resolve("reranker");
        Result trained = run("train-reranker", "--index", index.toString(), "--questions", questions.toString(),
                "--rationales", rationales.toString(), "--encoder", encoder.toString(), "--out", out.toString(),
                "--mode", "bi", "--epochs", "1", "--candidates-rationale", "3", "--candidates-question", "3",
                "--sample", "2", "--validation-questions", questions.toString(), "--validation-rationales",
                rationales.toString());
        assertThat(trained.code()).as(trained.err()).isZero();
        assertThat(Files.readString(out.resolve("reranker.json"))).contains("\"mode\" : \"bi_encoder\"",
                "\"dim\" : 32");
        try (LateInteractionReranker loaded = LateInteractionReranker.load(out)) {
            assertThat(loaded.scorer().settings().mode()).isEqualTo(ScoringMode.BI_ENCODER);
        }
        // The trained bi-encoder folder serves dense retrieval as it is.
        Result dense = evalRetrieval("--encoder", out.toString());
        assertThat(dense.code()).as(dense.err()).isZero();
        assertThat(dense.lastLine()).matches(LAST_LINE);
        assertBadInput(run("train-reranker", "--index", index.toString(), "--questions", questions.toString(),
                "--rationales", rationales.toString(), "--encoder", encoder.toString(), "--out", out.toString(),
                "--mode", "colbert"), "--mode colbert");
    }
}
