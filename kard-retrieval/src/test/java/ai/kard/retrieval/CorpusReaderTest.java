package ai.kard.retrieval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import ai.kard.api.InvalidInputException;
import ai.kard.api.Passage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CorpusReaderTest {
    @TempDir
    Path tmp;

    @Test
    void readsKardAndBeirJsonl() throws Exception {
        Path file = Files.writeString(tmp.resolve("c.jsonl"), """
                {"id": "k1", "title": "T", "text": "kard text", "extra": 3}

                {"_id": "b2", "title": "", "text": "beir text", "metadata": {}}
                {"_id": 17, "text": "numeric id, no title"}
                """);
        assertThat(CorpusReader.readAll(file, CorpusFormat.AUTO)).containsExactly(
                new Passage("k1", "T", "kard text"), new Passage("b2", "", "beir text"),
                new Passage("17", "", "numeric id, no title"));
    }

    @Test
    void readsPyseriniJsonCollectionContents() throws Exception {
        Path file = Files.writeString(tmp.resolve("pyserini.jsonl"), """
                {"id": "doc1", "contents": "Aaron is a prophet"}
                {"id": "doc2", "contents": "second passage", "raw": "ignored"}
                """);
        assertThat(CorpusReader.readAll(file, CorpusFormat.AUTO)).containsExactly(
                new Passage("doc1", "", "Aaron is a prophet"), new Passage("doc2", "", "second passage"));
        assertProblem("{\"id\": \"a\", \"contents\": 5}\n", ":1: field 'contents' must be a string");
    }

    @Test
    void jsonlProblemsNameFileLineAndField() throws Exception {
        assertProblem("{\"id\": \"a\", \"text\": \"x\"}\n{\"id\": \"b\", \"text\": \"y\"\n", ":2: malformed JSON");
        assertProblem("{\"id\": \"a\", \"title\": \"x\"}\n", ":1: missing field 'text'");
        assertProblem("{\"text\": \"x\"}\n", ":1: missing field 'id' (or BEIR '_id')");
        assertProblem("[1, 2]\n", ":1: expected a JSON object");
        assertProblem("{\"id\": \"  \", \"text\": \"x\"}\n", ":1: blank passage id");
        assertProblem("{\"id\": \"a\", \"text\": 5}\n", ":1: field 'text' must be a string");
    }

    private void assertProblem(String content, String expected) throws Exception {
        Path file = Files.writeString(tmp.resolve("p.jsonl"), content);
        assertThatThrownBy(() -> CorpusReader.readAll(file, CorpusFormat.AUTO))
                .isInstanceOf(InvalidInputException.class).hasMessageStartingWith(file + expected);
    }

    @Test
    void readsDprTsvWithHeaderAndQuotes() throws Exception {
        Path file = Files.writeString(tmp.resolve("psgs.tsv"),
                "id\ttext\ttitle\n1\t\"Aaron ( or ; \"\"Ahärôn\"\") is a prophet\"\tAaron\n2\tplain text\t\n");
        assertThat(CorpusReader.readAll(file, CorpusFormat.AUTO)).containsExactly(
                new Passage("1", "Aaron", "Aaron ( or ; \"Ahärôn\") is a prophet"), new Passage("2", "", "plain text"));
        Path bad = Files.writeString(tmp.resolve("bad.tsv"), "1\ttext\ttitle\n2 no tabs here\n");
        assertThatThrownBy(() -> CorpusReader.readAll(bad, CorpusFormat.TSV))
                .hasMessageStartingWith(bad + ":2: expected id<TAB>text<TAB>title");
    }

    @Test
    void readsPlainTextWithLineNumberIds() throws Exception {
        Path file = Files.writeString(tmp.resolve("book.txt"), "\"A bee is a pollinating animal\"\n\nplain fact\n");
        assertThat(CorpusReader.readAll(file, CorpusFormat.AUTO)).containsExactly(
                new Passage("F0000", "", "A bee is a pollinating animal"), new Passage("F0002", "", "plain fact"));
    }

    @Test
    void detectsFormatFromContentWhenTheNameSaysNothing() throws Exception {
        Path json = Files.writeString(tmp.resolve("corpus"), "{\"id\": \"a\", \"text\": \"x\"}\n");
        Path tsv = Files.writeString(tmp.resolve("corpus2"), "a\tx\tt\n");
        Path text = Files.writeString(tmp.resolve("corpus3"), "just a line\n");
        assertThat(CorpusReader.readAll(json, CorpusFormat.AUTO)).containsExactly(new Passage("a", "", "x"));
        assertThat(CorpusReader.readAll(tsv, CorpusFormat.AUTO)).containsExactly(new Passage("a", "t", "x"));
        assertThat(CorpusReader.readAll(text, CorpusFormat.AUTO)).containsExactly(new Passage("F0000", "", "just a line"));
        // An explicit format wins over the name.
        Path txtJson = Files.writeString(tmp.resolve("x.txt"), "{\"id\": \"a\", \"text\": \"x\"}\n");
        assertThat(CorpusReader.readAll(txtJson, CorpusFormat.JSONL)).containsExactly(new Passage("a", "", "x"));
    }

    @Test
    void openBookIdsMatchTheObqaRetrievalCorpus() throws Exception {
        Path shared = Path.of(System.getProperty("kard.repo.root", ".")).resolve("../shared").normalize();
        Path book = shared.resolve("data/obqa/openbook.txt");
        Path beir = shared.resolve("data/obqa/retrieval/corpus.jsonl");
        assumeThat(Files.isRegularFile(book) && Files.isRegularFile(beir)).isTrue();
        List<Passage> fromText = CorpusReader.readAll(book, CorpusFormat.AUTO);
        assertThat(fromText).hasSize(1326).isEqualTo(CorpusReader.readAll(beir, CorpusFormat.AUTO));
    }
}
