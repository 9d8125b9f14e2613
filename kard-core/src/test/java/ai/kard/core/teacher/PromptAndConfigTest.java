package ai.kard.core.teacher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.kard.api.Question;
import ai.kard.core.teacher.ChatCompletionsClient.Message;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PromptAndConfigTest {
    @TempDir
    Path dir;

    @Test
    void promptHasExemplarsThenTheQuestionWithItsGoldAnswer() {
        PromptBuilder b = PromptBuilder.forTask(PromptBuilder.TaskType.SCIENCE);
        assertThat(b.exemplars()).hasSize(5);
        List<Message> m = b.messages(new Question("q", "What melts ice?", List.of("heat", "cold", "dark"), 0));
        assertThat(m).extracting(Message::role).containsExactly("system", "user");
        String user = m.get(1).content();
        assertThat(user).endsWith("Question: What melts ice?\n(A) heat (B) cold (C) dark\nAnswer: (A)\nExplanation:");
        assertThat(user).contains("Answer: (C)\nExplanation: Electricity flows");
        assertThatThrownBy(() -> b.messages(new Question("u", "Q", List.of("a", "b"), null)))
                .hasMessageContaining("no gold answer");
    }

    @Test
    void bundledExemplarsAreConsistentWithTheirGoldAnswers() {
        for (PromptBuilder.TaskType t : PromptBuilder.TaskType.values()) {
            for (PromptBuilder.Exemplar e : PromptBuilder.forTask(t).exemplars()) {
                assertThat(ai.kard.core.answer.AnswerExtractor.extract(e.rationale(), e.question().options()).option())
                        .as(t + " " + e.question().text()).isEqualTo(e.question().answer());
            }
        }
    }

    @Test
    void taskDetection() {
        Question yn = new Question("a", "Is it?", List.of("yes", "no"), 0);
        Question shortQ = new Question("b", "Which?", List.of("x", "y"), 0);
        Question longQ = new Question("c", "A 45-year-old man ".repeat(20), List.of("x", "y"), 0);
        assertThat(PromptBuilder.TaskType.detect(List.of(yn))).isEqualTo(PromptBuilder.TaskType.YES_NO);
        assertThat(PromptBuilder.TaskType.detect(List.of(yn, shortQ))).isEqualTo(PromptBuilder.TaskType.SCIENCE);
        assertThat(PromptBuilder.TaskType.detect(List.of(longQ))).isEqualTo(PromptBuilder.TaskType.MEDICAL);
    }

    @Test
    void fewShotFile() throws IOException {
        Path f = dir.resolve("shots.jsonl");
        Files.writeString(f, "{\"question\":\"Q?\",\"options\":[\"a\",\"b\"],\"answer\":1,\"rationale\":\"Because. So (B).\"}\n");
        assertThat(PromptBuilder.readExemplars(f)).hasSize(1);
        Files.writeString(f, "{\"question\":\"Q?\",\"options\":[\"a\",\"b\"],\"answer\":1}\n");
        assertThatThrownBy(() -> PromptBuilder.readExemplars(f)).hasMessageContaining(":1: missing field 'rationale'");
    }

    @Test
    void endpointNormalisationAndValidation() {
        assertThat(TeacherConfig.chatCompletionsUri("http://h:8000").toString()).isEqualTo("http://h:8000/v1/chat/completions");
        assertThat(TeacherConfig.chatCompletionsUri("http://h:8000/v1/").toString()).isEqualTo("http://h:8000/v1/chat/completions");
        assertThat(TeacherConfig.chatCompletionsUri("https://x/v1/chat/completions").toString())
                .isEqualTo("https://x/v1/chat/completions");
        assertThatThrownBy(() -> TeacherConfig.chatCompletionsUri("ftp://x")).hasMessageContaining("'ftp://x'");
        assertThatThrownBy(() -> TeacherConfig.builder("http://x", "m").samples(0).build()).hasMessageContaining("samples 0");
        assertThatThrownBy(() -> TeacherConfig.builder("http://x", "m").temperature(Double.NaN).build())
                .hasMessageContaining("temperature NaN");
        assertThatThrownBy(() -> TeacherConfig.builder("http://x", " ").build()).hasMessageContaining("model name");
    }

    @Test
    void backoffGrowsAndIsCapped() {
        TeacherConfig c = TeacherConfig.builder("http://x", "m").retryDelays(Duration.ofMillis(100), Duration.ofSeconds(1)).build();
        ChatCompletionsClient client = new ChatCompletionsClient(c);
        for (int attempt = 0; attempt < 40; attempt++) {
            long ms = client.backoff(attempt, null).toMillis();
            long full = Math.min(1000, 100L << Math.min(attempt, 20));
            assertThat(ms).as("attempt " + attempt).isBetween(full / 2, full);
        }
        assertThat(client.backoff(0, Duration.ofSeconds(5))).isEqualTo(Duration.ofSeconds(1)); // Retry-After capped
        assertThat(client.backoff(0, Duration.ofMillis(300))).isEqualTo(Duration.ofMillis(300));
    }

    @Test
    void parsesChatCompletions() {
        assertThat(ChatCompletionsClient.parse("{\"choices\":[{\"message\":{\"content\":\"hi\"},\"finish_reason\":\"length\"}],"
                + "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":4}}"))
                .contains(new ChatResult(List.of(new ChatResult.Choice("hi", "length")), 3, 4));
        assertThat(ChatCompletionsClient.parse("{\"choices\":[]}")).isEqualTo(Optional.empty());
        assertThat(ChatCompletionsClient.parse("<html>")).isEqualTo(Optional.empty());
        assertThat(ChatCompletionsClient.parse("{\"choices\":[{\"message\":{}}]}")).isEqualTo(Optional.empty());
    }
}
