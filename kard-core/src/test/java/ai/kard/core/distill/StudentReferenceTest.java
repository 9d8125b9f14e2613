package ai.kard.core.distill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StudentReferenceTest {
    @Test
    void presetsResolveWithTheirDefaultsAndAT5Config() throws Exception {
        StudentReference ref = StudentReference.resolve("scratch:t5-tiny");
        assertThat(ref).isInstanceOf(StudentReference.Preset.class);
        assertThat(ref.defaults().renameProbability()).isPositive();
        var config = ((StudentReference.Preset) ref).config();
        assertThat(config.modelType()).isEqualTo("t5");
        assertThat(config.requireInt("vocab_size")).isEqualTo(30522);
        assertThat(config.requireInt("eos_token_id")).isEqualTo(102);
        assertThat(StudentReference.resolve("SCRATCH:T5-SMALL").text()).isEqualTo("scratch:t5-small");
    }

    @Test
    void folderNeedsAConfig(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> StudentReference.resolve(dir.toString()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("config.json");
        Files.writeString(dir.resolve("config.json"), "{\"model_type\":\"t5\"}");
        assertThat(StudentReference.resolve(dir.toString())).isInstanceOf(StudentReference.Folder.class);
    }

    @Test
    void unknownReferencesNameTheAlternatives() {
        assertThatThrownBy(() -> StudentReference.resolve("scratch:t5-huge"))
                .hasMessageContaining("scratch:t5-huge").hasMessageContaining("scratch:t5-tiny");
        assertThat(StudentReference.resolve("google/flan-t5-base")).isInstanceOf(StudentReference.Hub.class);
        assertThatThrownBy(() -> StudentReference.resolve("???"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown student");
    }
}
