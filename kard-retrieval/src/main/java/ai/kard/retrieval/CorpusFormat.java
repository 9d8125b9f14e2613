package ai.kard.retrieval;

import ai.kard.api.InvalidSettingException;
import java.nio.file.Path;
import java.util.Locale;

/** How a corpus file is laid out. {@link #AUTO} picks one from the file name, then from the first line. */
public enum CorpusFormat {
    /** Detect: {@code .jsonl}/{@code .json} → JSONL, {@code .tsv} → TSV, {@code .txt} → TEXT, else by content. */
    AUTO,
    /**
     * JSON Lines, one object per line: Kard's {@code {"id","title","text"}} or BEIR's {@code {"_id","title","text"}}.
     * {@code id} (or {@code _id}) and {@code text} are required, {@code title} is optional, other fields ignored.
     */
    JSONL,
    /**
     * DPR-style TSV: {@code id<TAB>text<TAB>title} (title optional). A first line {@code id<TAB>text<TAB>title}
     * is a header and skipped; a field wrapped in double quotes is unquoted ({@code ""} → {@code "}), as in
     * DPR's {@code psgs_w100.tsv}.
     */
    TSV,
    /**
     * Plain text, one passage per line, no title. The id is the 0-based line index formatted as {@code F%04d}
     * ({@code F0000} for the first line), the convention of the BEIR conversion of OpenBookQA's
     * {@code openbook.txt}, so its qrels match. Blank lines are skipped but still counted; a line wrapped in
     * double quotes (as in {@code openbook.txt}) is unwrapped.
     */
    TEXT;

    /**
     * Parses a command-line name: auto, jsonl, tsv, text (case-insensitive).
     *
     * @param name auto, jsonl, tsv or text
     * @return the format
     */
    public static CorpusFormat parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingException("unknown corpus format '" + name + "', expected auto, jsonl, tsv or text");
        }
    }

    /** The format implied by the file name, or AUTO when the name says nothing. */
    static CorpusFormat fromFileName(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".gz")) {
            name = name.substring(0, name.length() - 3);
        }
        if (name.endsWith(".jsonl") || name.endsWith(".json")) {
            return JSONL;
        }
        if (name.endsWith(".tsv")) {
            return TSV;
        }
        if (name.endsWith(".txt")) {
            return TEXT;
        }
        return AUTO;
    }
}
