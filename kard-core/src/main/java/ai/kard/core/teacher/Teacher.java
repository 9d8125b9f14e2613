package ai.kard.core.teacher;

import ai.kard.api.Question;
import ai.kard.api.Rationale;
import ai.kard.api.RationaleSource;
import ai.kard.core.answer.FilterReport;
import ai.kard.core.answer.RationaleFilter;
import ai.kard.core.data.RationaleRecord;
import ai.kard.core.teacher.ChatCompletionsClient.Message;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A teacher LLM behind an OpenAI-compatible endpoint: asks for {@code n} explanations of a question's gold
 * answer (the {@code n} parameter; more calls when the server returns fewer choices) and filters them. As a
 * {@link RationaleSource} it returns the kept rationales only. Thread-safe.
 */
final class Teacher implements RationaleSource {
    private final ChatCompletionsClient client;
    private final PromptBuilder prompts;

    public Teacher(ChatCompletionsClient client, PromptBuilder prompts) {
        this.client = client;
        this.prompts = prompts;
    }

    /** All {@code n} rationales of one question with their verdicts, and the tokens they cost. */
    public record Generation(List<RationaleRecord> records, long promptTokens, long completionTokens, int calls) {
    }

    /** Generates and filters {@code n} rationales; the filter's counts go to {@code report}. */
    public Generation generate(Question question, int n, FilterReport report) throws IOException, InterruptedException {
        if (n < 1) {
            throw new IllegalArgumentException("n " + n + " must be at least 1");
        }
        List<Message> messages = prompts.messages(question);
        List<RationaleRecord> records = new ArrayList<>(n);
        long prompt = 0;
        long completion = 0;
        int calls = 0;
        while (records.size() < n) {
            if (calls >= 2 * n + 2) {
                throw new TeacherException("server returned only " + records.size() + " of " + n + " completions in "
                        + calls + " calls");
            }
            ChatResult r = client.complete(messages, n - records.size());
            calls++;
            prompt += r.promptTokens();
            completion += r.completionTokens();
            for (ChatResult.Choice c : r.choices()) {
                if (records.size() < n) {
                    records.add(new RationaleRecord(question.id(), null, c.text(), null, null, null, c.finishReason()));
                }
            }
        }
        return new Generation(RationaleFilter.filter(question, records, report), prompt, completion, calls);
    }

    @Override
    public List<Rationale> rationalesFor(Question question, int n) throws IOException {
        try {
            return generate(question, n, new FilterReport()).records().stream()
                    .filter(r -> Boolean.TRUE.equals(r.kept())).map(RationaleRecord::toRationale).toList();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while asking the teacher about " + question.id());
        }
    }
}
