/**
 * Teacher rationales (the first step of the method, see {@link ai.kard.core}): an OpenAI-compatible
 * chat-completions client with retries ({@link ai.kard.core.teacher.ChatCompletionsClient}), the few-shot prompt
 * ({@link ai.kard.core.teacher.PromptBuilder}), a resumable, concurrent run over a question file
 * ({@link ai.kard.core.teacher.TeacherRun}), the {@link ai.kard.api.RationaleSource}
 * {@link ai.kard.core.teacher.Teacher}, and the importer of released files
 * ({@link ai.kard.core.teacher.RationaleImporter}).
 */
package ai.kard.core.teacher;
