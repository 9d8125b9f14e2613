package ai.kard.examples.demo;

import ai.kard.api.InvalidSettingException;

/**
 * Sizes of the invented-facts benchmark. The defaults are sized so that a tiny T5 trains an RD and a KARD
 * student on them in a few minutes each on two CPU cores.
 *
 * @param seed                  everything is a function of this seed
 * @param entities              fictional diseases; each gets one passage plus distractor passages
 * @param trainQuestions        training questions, about entities that no evaluation question is about
 * @param validationQuestions   validation questions, one per held-out validation entity
 * @param testQuestions         test questions, one per held-out test entity
 * @param rationalesPerQuestion teacher-style rationales per question (distinct paraphrases, at most 3)
 * @param twoHopFraction        share of two-hop questions in every split
 */
public record DemoConfig(long seed, int entities, int trainQuestions, int validationQuestions,
                         int testQuestions, int rationalesPerQuestion, double twoHopFraction) {
    /** The most rationale paraphrases a question has. */
    public static final int MAX_RATIONALES = 3;

    public DemoConfig {
        if (trainQuestions < 1 || validationQuestions < 1 || testQuestions < 1) {
            throw new InvalidSettingException("every split needs at least one question; got train="
                    + trainQuestions + " validation=" + validationQuestions + " test=" + testQuestions);
        }
        int heldOut = validationQuestions + testQuestions;
        // Held-out splits take one entity per question (options come from the same split), training needs
        // at least 4 entities of its own for 4 options.
        if (Math.min(validationQuestions, testQuestions) < 4 || entities < heldOut + 4) {
            throw new InvalidSettingException("entities " + entities + " is too few: validation ("
                    + validationQuestions + ") and test (" + testQuestions + ") need one entity per question,"
                    + " at least 4 each, and training needs 4 more; use --entities " + (heldOut + 4)
                    + " or more");
        }
        if (rationalesPerQuestion < 1 || rationalesPerQuestion > MAX_RATIONALES) {
            throw new InvalidSettingException("rationales per question " + rationalesPerQuestion
                    + " is outside 1.." + MAX_RATIONALES);
        }
        if (!(twoHopFraction >= 0 && twoHopFraction <= 1)) {
            throw new InvalidSettingException("two-hop fraction " + twoHopFraction + " is outside [0, 1]");
        }
    }

    /** 1000 entities, 2000 / 100 / 200 questions, 3 rationales each, half two-hop, seed 42. */
    public static DemoConfig defaults() {
        return new DemoConfig(42, 1000, 2000, 100, 200, 3, 0.5);
    }

    public DemoConfig withSeed(long newSeed) {
        return new DemoConfig(newSeed, entities, trainQuestions, validationQuestions, testQuestions,
                rationalesPerQuestion, twoHopFraction);
    }

    @Override
    public String toString() {
        return "DemoConfig(seed=" + seed + ",entities=" + entities + ",train=" + trainQuestions + ",validation="
                + validationQuestions + ",test=" + testQuestions + ",rationales=" + rationalesPerQuestion
                + ",twoHop=" + twoHopFraction + ")";
    }
}
