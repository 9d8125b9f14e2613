package ai.kard.retrieval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.kard.api.InvalidInputException;
import ai.kard.api.Passage;
import ai.kard.api.ScoredPassage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LuceneKnowledgeBaseTest {
    private static final String[] WORDS = vocabulary(3000);
    private static List<Passage> corpus;
    private static LuceneKnowledgeBase kb;

    @TempDir
    Path tmp;

    /** Distinct pronounceable words that survive stemming as distinct terms. */
    private static String[] vocabulary(int n) {
        String[] consonants = {"b", "d", "f", "g", "k", "m", "p", "t", "v", "z"};
        String[] vowels = {"a", "e", "i", "o", "u"};
        String[] words = new String[n];
        for (int i = 0; i < n; i++) {
            StringBuilder w = new StringBuilder();
            int x = i;
            do {
                w.append(consonants[x % 10]).append(vowels[(x / 10) % 5]);
                x /= 50;
            } while (x > 0);
            words[i] = w.append("q").toString();
        }
        return words;
    }

    private static String randomText(Random random, int words) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < words; i++) {
            // Skewed towards frequent words so that documents share terms.
            int w = (int) (WORDS.length * Math.pow(random.nextDouble(), 3));
            sb.append(i == 0 ? "" : " ").append(WORDS[w]);
        }
        return sb.toString();
    }

    @BeforeAll
    static void build() throws Exception {
        Random random = new Random(42);
        corpus = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            corpus.add(new Passage(String.format("p%03d", i), i % 3 == 0 ? randomText(random, 4) : "",
                    randomText(random, 20 + random.nextInt(60))));
        }
        kb = LuceneKnowledgeBase.inMemory(corpus, Bm25Settings.DEFAULT);
    }

    @AfterAll
    static void close() throws Exception {
        kb.close();
    }

    @Test
    void settingsAreValidatedLikeLucene() {
        assertThat(Bm25Settings.DEFAULT).hasToString("BM25(k1=0.9,b=0.4)");
        assertThatThrownBy(() -> new Bm25Settings(Float.NaN, 0.4f)).hasMessageContaining("k1");
        assertThatThrownBy(() -> new Bm25Settings(-1f, 0.4f)).hasMessageContaining("k1");
        assertThatThrownBy(() -> new Bm25Settings(0.9f, 1.5f)).hasMessageContaining("b value: 1.5");
        assertThatThrownBy(() -> new Bm25Settings(0.9f, Float.NaN)).hasMessageContaining("b value");
    }

    @Test
    void scoreEqualsSearchOnARandomCorpus() throws Exception {
        Random random = new Random(7);
        for (int q = 0; q < 30; q++) {
            String query = randomText(random, q % 2 == 0 ? 15 : 120);
            List<ScoredPassage> searched = kb.search(query, 50);
            assertThat(searched).isNotEmpty();
            List<ScoredPassage> rescored = kb.score(query, searched.stream().map(ScoredPassage::id).toList());
            for (int i = 0; i < searched.size(); i++) {
                assertThat(rescored.get(i).score()).isCloseTo(searched.get(i).score(), within(1e-5));
            }
        }
    }

    @Test
    void resultsAreBestFirstWithTiesById() throws Exception {
        List<Passage> twins = List.of(new Passage("z", "", "same words here"), new Passage("b", "", "same words here"),
                new Passage("m", "", "same words here"), new Passage("a", "", "other text entirely"));
        try (LuceneKnowledgeBase small = LuceneKnowledgeBase.inMemory(twins, Bm25Settings.DEFAULT)) {
            assertThat(small.search("same words", 10)).extracting(ScoredPassage::id).containsExactly("b", "m", "z");
            // The tie-break also decides who makes the cut at k.
            assertThat(small.search("same words", 1)).extracting(ScoredPassage::id).containsExactly("b");
        }
        Random random = new Random(3);
        for (int q = 0; q < 10; q++) {
            List<ScoredPassage> results = kb.search(randomText(random, 10), 100);
            assertThat(results).isSortedAccordingTo(ScoredPassage.BEST_FIRST);
        }
    }

    @Test
    void hostileQueriesAreJustText() throws Exception {
        List<String> hostile = List.of("\"unbalanced quote", "title:foo AND bar:baz", "AND", "OR NOT", "NOT",
                "(a OR b", "[0 TO 9]", "{x TO y}", "*", "?", "fo*", "b?r", "\\", "\\\\\\", "a\\:b", "~2", "foo~0.8",
                "^3", "foo^", "+-&&||!", "/regex/", "//", "💥🔥 émoji ünïcödé", "\uD83D", "\u0000", "</script>",
                WORDS[1] + ":" + WORDS[2] + " \"" + WORDS[3] + "\"~5 (" + WORDS[4] + "*)");
        for (String query : hostile) {
            List<ScoredPassage> results = kb.search(query, 10);
            assertThat(results).as(query).hasSizeLessThanOrEqualTo(10);
        }
        // Syntax characters are ignored; the words still count. (UAX#29 keeps "a:b" as one token, like Anserini.)
        String syntax = WORDS[1] + ": (" + WORDS[2] + "*) AND \"";
        assertThat(kb.search(syntax, 10)).isNotEmpty().isEqualTo(kb.search(WORDS[1] + " " + WORDS[2] + " and", 10));
    }

    @Test
    void queriesWithNothingSearchableGiveNoResults() throws Exception {
        for (String query : List.of("", "   ", "\t\n", "the and of a to", "!!! ??? ...", "AND OR NOT")) {
            assertThat(kb.search(query, 10)).as("'" + query + "'").isEmpty();
            assertThat(kb.score(query, List.of("p001"))).extracting(ScoredPassage::score).containsExactly(0.0);
        }
    }

    @Test
    void threeThousandWordQueryWorks() throws Exception {
        Random random = new Random(11);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 3000; i++) {
            // Uniform over the vocabulary: well over Lucene's 1024-clause default in distinct terms.
            sb.append(WORDS[random.nextInt(WORDS.length)]).append(i % 17 == 16 ? ". " : " ");
        }
        String query = sb.toString();
        assertThat(kb.analyze(query).size()).isGreaterThan(1024);
        List<ScoredPassage> results = kb.search(query, 100);
        assertThat(results).hasSize(100);
        List<ScoredPassage> rescored = kb.score(query, results.stream().map(ScoredPassage::id).toList());
        for (int i = 0; i < results.size(); i++) {
            assertThat(rescored.get(i).score()).isCloseTo(results.get(i).score(), within(1e-5));
        }
    }

    @Test
    void searchAllMatchesSearchInOrder() throws Exception {
        Random random = new Random(5);
        List<String> queries = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            queries.add(randomText(random, 8));
        }
        queries.add("");
        List<List<ScoredPassage>> all = kb.searchAll(queries, 20, 4);
        assertThat(all).hasSize(queries.size());
        for (int i = 0; i < queries.size(); i++) {
            assertThat(all.get(i)).isEqualTo(kb.search(queries.get(i), 20));
        }
    }

    @Test
    void passagesByIdAndSize() throws Exception {
        assertThat(kb.size()).isEqualTo(400);
        assertThat(kb.passage("p007")).contains(corpus.get(7));
        assertThat(kb.passage("nope")).isEmpty();
        assertThatThrownBy(() -> kb.score("x", List.of("p001", "nope"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'nope'");
        assertThatThrownBy(() -> kb.search("x", 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void passagesRoundTripExactly() throws Exception {
        String huge = "long text 🦊 ünïcödé\nsecond line\t" + "word ".repeat(40_000);
        List<Passage> odd = List.of(new Passage("ü/1 id with spaces", "Title 🧪", huge), new Passage("e", "", ""),
                new Passage("t", "only title", ""));
        try (LuceneKnowledgeBase small = LuceneKnowledgeBase.inMemory(odd, Bm25Settings.DEFAULT)) {
            for (Passage p : odd) {
                assertThat(small.passage(p.id())).contains(p);
            }
            assertThat(small.search("titles", 5)).extracting(ScoredPassage::passage)
                    .containsExactly(odd.get(2), odd.get(0)); // the short passage first: length normalisation
        }
    }

    @Test
    void inMemoryRejectsDuplicatesAndEmptiness() {
        assertThatThrownBy(() -> LuceneKnowledgeBase.inMemory(List.of(), Bm25Settings.DEFAULT))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LuceneKnowledgeBase.inMemory(
                List.of(new Passage("x", "", "a"), new Passage("x", "", "b")), Bm25Settings.DEFAULT))
                .hasMessageContaining("duplicate passage id 'x'");
    }

    // ---------------------------------------------------------------- persistent indexes

    private Path writeJsonl(String name, List<Passage> passages) throws Exception {
        List<String> lines = new ArrayList<>();
        for (Passage p : passages) {
            lines.add("{\"id\": \"" + p.id() + "\", \"title\": \"" + p.title() + "\", \"text\": \"" + p.text() + "\"}");
        }
        return Files.write(tmp.resolve(name), lines);
    }

    @Test
    void persistedIndexReopensWithSameResultsAndRefusesOtherSettings() throws Exception {
        Path a = writeJsonl("a.jsonl", corpus.subList(0, 250));
        Path b = writeJsonl("b.jsonl", corpus.subList(250, 400));
        Path dir = tmp.resolve("index");
        List<Long> progress = new ArrayList<>();
        try (LuceneKnowledgeBase built = LuceneKnowledgeBase.build(List.of(a, b), dir, Bm25Settings.DEFAULT, 2,
                (n, t) -> progress.add(n))) {
            assertThat(built.size()).isEqualTo(400);
        }
        assertThat(progress).endsWith(400L);
        assertThat(dir.resolve("kard-index.json")).exists();
        String meta = Files.readString(dir.resolve("kard-index.json"));
        assertThat(meta).contains("\"k1\" : 0.9", "\"b\" : 0.4", "\"passages\" : 400", "a.jsonl", "luceneVersion");

        String query = corpus.get(17).text();
        try (LuceneKnowledgeBase reopened = LuceneKnowledgeBase.open(dir)) {
            assertThat(reopened.settings()).isEqualTo(Bm25Settings.DEFAULT);
            assertThat(reopened.search(query, 20)).isEqualTo(kb.search(query, 20));
            assertThat(reopened.passage("p300")).contains(corpus.get(300));
        }
        try (LuceneKnowledgeBase same = LuceneKnowledgeBase.open(dir, new Bm25Settings(0.9f, 0.4f))) {
            assertThat(same.size()).isEqualTo(400);
        }
        assertThatThrownBy(() -> LuceneKnowledgeBase.open(dir, new Bm25Settings(1.2f, 0.75f)))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("built with BM25(k1=0.9,b=0.4)")
                .hasMessageContaining("BM25(k1=1.2,b=0.75) was requested");
    }

    @Test
    void missingOrForeignIndexDirectoryIsAClearError() throws Exception {
        assertThatThrownBy(() -> LuceneKnowledgeBase.open(tmp.resolve("absent")))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("no such index directory");
        Path foreign = Files.createDirectories(tmp.resolve("foreign"));
        Files.writeString(foreign.resolve("notes.txt"), "hello");
        assertThatThrownBy(() -> LuceneKnowledgeBase.open(foreign))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("not a Kard index");
        // Nor is a foreign directory overwritten by a build.
        Path corpusFile = writeJsonl("c.jsonl", corpus.subList(0, 5));
        assertThatThrownBy(() -> LuceneKnowledgeBase.build(List.of(corpusFile), foreign, Bm25Settings.DEFAULT, 1,
                ProgressListener.NONE)).isInstanceOf(InvalidInputException.class).hasMessageContaining("refusing");
        assertThat(foreign.resolve("notes.txt")).hasContent("hello");
    }

    @Test
    void failedBuildLeavesNoIndexAndKeepsAPreviousOne() throws Exception {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            lines.add("{\"id\": \"d" + i + "\", \"text\": \"" + WORDS[i % 100] + "\"}");
        }
        lines.set(1500, "{\"id\": \"broken\", \"text\": ");
        Path bad = Files.write(tmp.resolve("bad.jsonl"), lines);
        Path dir = tmp.resolve("idx");
        assertThatThrownBy(() -> LuceneKnowledgeBase.build(List.of(bad), dir, Bm25Settings.DEFAULT, 2,
                ProgressListener.NONE)).isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith(bad + ":1501: malformed JSON");
        assertThat(dir).doesNotExist();
        try (Stream<Path> left = Files.list(tmp)) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("bad.jsonl");
        }

        Path good = writeJsonl("good.jsonl", corpus.subList(0, 10));
        LuceneKnowledgeBase.build(List.of(good), dir, Bm25Settings.DEFAULT, 1, ProgressListener.NONE).close();
        assertThatThrownBy(() -> LuceneKnowledgeBase.build(List.of(bad), dir, Bm25Settings.DEFAULT, 1,
                ProgressListener.NONE)).isInstanceOf(InvalidInputException.class);
        try (LuceneKnowledgeBase previous = LuceneKnowledgeBase.open(dir)) {
            assertThat(previous.size()).isEqualTo(10);
        }
        // A good build replaces the old index.
        LuceneKnowledgeBase.build(List.of(good, writeJsonl("more.jsonl", corpus.subList(10, 12))), dir,
                Bm25Settings.DEFAULT, 1, ProgressListener.NONE).close();
        try (LuceneKnowledgeBase replaced = LuceneKnowledgeBase.open(dir)) {
            assertThat(replaced.size()).isEqualTo(12);
        }
    }

    @Test
    void corpusProblemsNameFileAndLine() throws Exception {
        Path dir = tmp.resolve("never");
        Path dup1 = writeJsonl("d1.jsonl", corpus.subList(0, 3));
        Path dup2 = writeJsonl("d2.jsonl", List.of(corpus.get(5), corpus.get(1)));
        assertThatThrownBy(() -> LuceneKnowledgeBase.build(List.of(dup1, dup2), dir, Bm25Settings.DEFAULT, 1,
                ProgressListener.NONE)).isInstanceOf(InvalidInputException.class)
                .hasMessage(dup2 + ":2: duplicate passage id 'p001'");
        Path empty = Files.writeString(tmp.resolve("empty.jsonl"), "\n\n");
        assertThatThrownBy(() -> LuceneKnowledgeBase.build(List.of(empty), dir, Bm25Settings.DEFAULT, 1,
                ProgressListener.NONE)).isInstanceOf(InvalidInputException.class)
                .hasMessage(empty + ": empty corpus: no passages");
        assertThatThrownBy(() -> LuceneKnowledgeBase.build(List.of(tmp.resolve("nope.jsonl")), dir,
                Bm25Settings.DEFAULT, 1, ProgressListener.NONE)).hasMessageContaining("no such corpus file");
        assertThat(dir).doesNotExist();
    }
}
