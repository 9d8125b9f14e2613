/**
 * Data files: {@link ai.kard.core.data.QuestionReader} (Kard, MedQA, HF multiple-choice, OpenBookQA/ARC and
 * StrategyQA forms), {@link ai.kard.core.data.RationaleReader} (Kard JSONL and released teacher files) and the
 * matching writers. Malformed input fails with {@link ai.kard.api.InvalidInputException} naming file, line and field.
 */
package ai.kard.core.data;
