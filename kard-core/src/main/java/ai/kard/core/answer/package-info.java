/**
 * From generated text to an option: {@link ai.kard.core.answer.AnswerExtractor} (answer lines, phrases, verdicts,
 * elimination, option text), {@link ai.kard.core.answer.RationaleFilter} (keep rationales that reach the gold
 * answer, with a reason for every drop) and {@link ai.kard.core.answer.TargetFormatter} (training targets).
 */
package ai.kard.core.answer;
