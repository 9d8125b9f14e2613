package ai.kard.core.parity;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Parity checks by config.json {@code model_type}: one line per supported architecture. */
final class ParityChecks {
    private static final Map<String, ParityCheck> CHECKS = new TreeMap<>();

    static {
        CHECKS.put("t5", new T5ParityCheck());
        CHECKS.put("bert", new BertParityCheck());
        CHECKS.put("gpt2", new CausalLmParityCheck());
        CHECKS.put("llama", new CausalLmParityCheck());
        CHECKS.put("opt", new CausalLmParityCheck());
        CHECKS.put("qwen2", new CausalLmParityCheck());
    }

    private ParityChecks() {
    }

    static Optional<ParityCheck> forModelType(String modelType) {
        return Optional.ofNullable(CHECKS.get(modelType));
    }
}
