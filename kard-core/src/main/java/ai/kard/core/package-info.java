/**
 * The entry point, {@link ai.kard.core.Kard}: {@code Kard.student(ref)} starts a distillation recipe,
 * {@code Kard.reranker(ref)} a reranker recipe, {@code Kard.load(dir, kb)} loads a saved student.
 *
 * <h2>The method (Knowledge-Augmented Reasoning Distillation, Kang et al., NeurIPS 2023)</h2>
 * A large teacher model's step-by-step reasoning is distilled into a small student that looks facts up in a
 * knowledge base instead of memorising them. Each step lives in one package:
 * <ol>
 *   <li><b>Teacher rationales</b> ({@link ai.kard.core.teacher}): a large model, shown a multiple-choice question,
 *   its options and the gold answer in a few-shot chain-of-thought prompt, writes several explanations per
 *   question. Only explanations whose extracted answer is the gold answer are kept
 *   ({@link ai.kard.core.answer.RationaleFilter}); each kept rationale is one training example whose target is the
 *   rationale followed by {@code Answer: X}.</li>
 *   <li><b>Student training</b> ({@link ai.kard.core.distill}; progress reported through
 *   {@link ai.kard.core.train}): plain reasoning distillation (RD) trains the student to produce the rationale and
 *   answer from the question; KARD adds the top-k BM25 passages of the knowledge base retrieved with the
 *   <em>rationale</em> as the query, so the student learns to reason over given facts. One prompt template is used
 *   identically at training and inference.</li>
 *   <li><b>The reranker</b> ({@link ai.kard.core.rerank}): at test time there is no rationale, only the question,
 *   and BM25 with the question finds less useful passages. A late-interaction encoder (ColBERT-style MaxSim over
 *   projected token vectors) learns to rank a question's candidates as the rationale would: for each training pair
 *   the candidates are BM25(rationale) top-k1 together with BM25(question) top-k2, the target distribution is the
 *   softmax of every candidate's BM25 score against the rationale (temperature tau1), the model distribution the
 *   softmax of the encoder's scores for the question (temperature tau2), and the loss their KL divergence, with
 *   both temperatures annealed over training.</li>
 *   <li><b>Inference</b> ({@link ai.kard.core.distill.KardModel}): BM25 with the question and its options gives the
 *   candidates (100 by default), the reranker picks the top k, the student generates a rationale and the answer is
 *   extracted from it ({@link ai.kard.core.answer}), greedily or by a majority vote over samples; "no answer" is
 *   counted apart from "wrong".</li>
 * </ol>
 * Everything neural runs on DJL's PyTorch engine ({@link ai.kard.core.model}); the knowledge base is kard-retrieval's
 * Lucene index or a {@link ai.kard.core.dense.DenseKnowledgeBase}.
 *
 * <h2>The public API</h2>
 * Every public type outside {@code ai.kard.core.internal}: the entry point {@link ai.kard.core.Kard}, the recipes
 * {@link ai.kard.core.distill.Distillation} and {@link ai.kard.core.rerank.RerankerTraining} and what they produce
 * ({@link ai.kard.core.distill.KardModel}, {@link ai.kard.core.rerank.LateInteractionReranker}), the readers and
 * writers of {@link ai.kard.core.data}, the teacher client ({@link ai.kard.core.teacher.TeacherRun}), answer
 * extraction and filtering ({@link ai.kard.core.answer}), {@link ai.kard.core.model.ModelOptions}, model references
 * ({@link ai.kard.core.hub}) and training progress ({@link ai.kard.core.train}). The packages under
 * {@code ai.kard.core.internal} (model architectures, checkpoints, tokenizer, training loop) are implementation
 * detail and may change in any release.
 */
package ai.kard.core;
