package ai.kard.examples.demo;

import java.util.Locale;

/** The benchmark's splits; validation and test entities never appear in training questions. */
public enum Split {
    TRAIN, VALIDATION, TEST;

    /** Lower-case name used in file names and question ids. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
