package ai.kard.examples.mains;

import ai.kard.api.Question;
import ai.kard.core.data.QuestionReader;
import ai.kard.core.teacher.PromptBuilder;
import ai.kard.core.teacher.TeacherConfig;
import ai.kard.core.teacher.TeacherRun;
import ai.kard.core.teacher.TeacherSummary;
import java.nio.file.Path;
import java.util.List;

/**
 * Shows generating teacher rationales from any OpenAI-compatible chat-completions endpoint (OpenAI, vLLM, llama.cpp
 * server, Ollama): few-shot chain-of-thought prompts with the bundled exemplars for the task, several samples per
 * question, and the filter that keeps the rationales concluding with the gold answer. The output file is what
 * {@code Kard.student(...).distillFrom} and {@code RationaleReader.read} take; running again resumes.
 *
 * <pre>OPENAI_API_KEY=... java -cp kard.jar ai.kard.examples.mains.TeacherExample URL MODEL QUESTIONS OUT [N]</pre>
 */
public final class TeacherExample {
    private TeacherExample() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            System.err.println("usage: TeacherExample ENDPOINT MODEL QUESTIONS OUT [SAMPLES]");
            System.exit(2);
        }
        List<Question> questions = QuestionReader.read(Path.of(args[2]));
        TeacherConfig config = TeacherConfig.builder(args[0], args[1])       // e.g. http://localhost:8000, gpt-4o-mini
                .samples(args.length > 4 ? Integer.parseInt(args[4]) : 10)
                .apiKey(System.getenv("OPENAI_API_KEY"))                      // null: no Authorization header
                .build();
        PromptBuilder prompts = PromptBuilder.forTask(PromptBuilder.TaskType.detect(questions));
        TeacherSummary summary = new TeacherRun(config, prompts)
                .run(questions, Path.of(args[3]), progress -> System.err.println(progress));
        System.out.println("teacher " + summary);
        System.out.println("wrote " + args[3]);
    }
}
