package ai.kard.core.parity;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Parity checks by config.json {@code model_type}: one line per supported architecture. */
final class ParityChecks {
    private static final Map<String, ParityCheck> CHECKS = new TreeMap<>();

    static {
        CHECKS.put("t5", new T5ParityCheck());
    }

    private ParityChecks() {
    }

    static Optional<ParityCheck> forModelType(String modelType) {
        return Optional.ofNullable(CHECKS.get(modelType));
    }
}
