package ai.kard.core.parity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs every fixture folder under {@code kard.parity.fixtures} (default {@code ../shared/fixtures/hf-parity}
 * from the repository root) through the checks of its architecture, and prints
 * {@code parity: N fixtures passed, M skipped}. Fixtures of architectures Kard does not support are skipped by name.
 *
 * <p>{@code mvn test -Dtest=HfParityTest -Dkard.parity.fixtures=DIR}
 */
class HfParityTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> PASSED = new ArrayList<>();
    private static final List<String> SKIPPED = new ArrayList<>();

    static Path fixtureDirectory() {
        String configured = System.getProperty("kard.parity.fixtures", "../shared/fixtures/hf-parity");
        Path path = Path.of(configured);
        if (!path.isAbsolute()) {
            path = Path.of(System.getProperty("kard.repo.root", ".")).resolve(path);
        }
        return path.normalize();
    }

    @TestFactory
    Stream<DynamicTest> everyFixture() throws Exception {
        Path root = fixtureDirectory();
        Assumptions.assumeTrue(Files.isDirectory(root), "no parity fixtures at " + root);
        List<Path> fixtures;
        try (Stream<Path> children = Files.list(root)) {
            fixtures = children.filter(p -> Files.isRegularFile(p.resolve("config.json"))).sorted().toList();
        }
        return fixtures.stream().map(fixture -> DynamicTest.dynamicTest(fixture.getFileName().toString(), () -> {
            String modelType = JSON.readTree(fixture.resolve("config.json").toFile()).path("model_type").asText();
            Optional<ParityCheck> check = ParityChecks.forModelType(modelType);
            if (check.isEmpty()) {
                SKIPPED.add(fixture.getFileName() + " (" + modelType + ")");
                Assumptions.abort("model_type " + modelType + " is not supported yet");
            }
            JsonNode expected = JSON.readTree(fixture.resolve("expected.json").toFile());
            check.get().check(fixture, expected);
            PASSED.add(fixture.getFileName().toString());
        }));
    }

    @AfterAll
    static void summary() {
        if (!SKIPPED.isEmpty()) {
            System.out.println("parity: skipped " + String.join(", ", SKIPPED));
        }
        System.out.println("parity: " + PASSED.size() + " fixtures passed, " + SKIPPED.size() + " skipped");
    }
}
