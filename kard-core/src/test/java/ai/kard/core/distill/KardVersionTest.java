package ai.kard.core.distill;

import static org.assertj.core.api.Assertions.assertThat;

import ai.kard.core.Kard;
import org.junit.jupiter.api.Test;

/** The version {@code kard.json} records is {@link Kard#VERSION} (distill does not depend on the entry package). */
class KardVersionTest {
    @Test
    void recordedVersionIsKardVersion() {
        assertThat(Distillation.KARD_VERSION).isEqualTo(Kard.VERSION);
    }
}
