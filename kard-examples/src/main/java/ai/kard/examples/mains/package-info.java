/**
 * Small runnable mains, one per task a Java developer starts with: {@link ai.kard.examples.mains.SearchExample}
 * (a BM25 knowledge base), {@link ai.kard.examples.mains.DistillExample} (distil a student on a corpus),
 * {@link ai.kard.examples.mains.AnswerExample} (answer with a saved student),
 * {@link ai.kard.examples.mains.RerankerExample} (train a reranker from a pretrained encoder) and
 * {@link ai.kard.examples.mains.TeacherExample} (teacher rationales from an OpenAI-compatible endpoint). Each is
 * short enough to read in a minute and copy into an application.
 */
package ai.kard.examples.mains;
