package ai.kard.core.parity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs every fixture folder under {@code kard.parity.fixtures} (default {@code ../shared/fixtures/hf-parity}
 * from the repository root) through the checks of its architecture: the forward checks, and, where the folder
 * has {@code gradients.safetensors}, the gradient of every checkpoint tensor ({@link GradientParity}) once as is and
 * once with a GC forced between forward and backward. Prints
 * {@code parity: N fixtures passed, M skipped (gradients: G)}, G counting the fixtures whose gradients passed in
 * both variants. Fixtures of architectures Kard does not support are skipped by name.
 *
 * <p>{@code mvn test -Dtest=HfParityTest -Dkard.parity.fixtures=DIR}
 */
class HfParityTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> PASSED = new ArrayList<>();
    private static final List<String> SKIPPED = new ArrayList<>();
    /** Gradient variants passed, per fixture: "plain" and "gc". */
    private static final ConcurrentHashMap<String, Set<String>> GRADIENTS = new ConcurrentHashMap<>();

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
        return fixtures.stream().flatMap(fixture -> {
            String name = fixture.getFileName().toString();
            return Stream.of(
                    DynamicTest.dynamicTest(name, () -> {
                        Optional<ParityCheck> check = supported(fixture, true);
                        JsonNode expected = JSON.readTree(fixture.resolve("expected.json").toFile());
                        check.get().check(fixture, expected);
                        PASSED.add(name);
                    }),
                    DynamicTest.dynamicTest(name + " gradients", () -> checkGradients(fixture, false)),
                    DynamicTest.dynamicTest(name + " gradients, GC between forward and backward",
                            () -> checkGradients(fixture, true)));
        });
    }

    private static void checkGradients(Path fixture, boolean gcBeforeBackward) throws Exception {
        Optional<ParityCheck> check = supported(fixture, false);
        Assumptions.assumeTrue(GradientParity.present(fixture), "no " + GradientParity.GRADIENTS + " in " + fixture);
        JsonNode expected = JSON.readTree(fixture.resolve("expected.json").toFile());
        JsonNode description = JSON.readTree(fixture.resolve(GradientParity.DESCRIPTION).toFile());
        try (GradientSubject subject = check.get().gradientSubject(fixture, expected, description)) {
            GradientParity.check(fixture, description, subject, gcBeforeBackward);
        }
        GRADIENTS.computeIfAbsent(fixture.getFileName().toString(), k -> ConcurrentHashMap.newKeySet())
                .add(gcBeforeBackward ? "gc" : "plain");
    }

    /** The fixture's check; aborts (skips) the test when its model_type has none, recording it once. */
    private static Optional<ParityCheck> supported(Path fixture, boolean record) throws Exception {
        String modelType = JSON.readTree(fixture.resolve("config.json").toFile()).path("model_type").asText();
        Optional<ParityCheck> check = ParityChecks.forModelType(modelType);
        if (check.isEmpty()) {
            if (record) {
                SKIPPED.add(fixture.getFileName() + " (" + modelType + ")");
            }
            Assumptions.abort("model_type " + modelType + " is not supported yet");
        }
        return check;
    }

    @AfterAll
    static void summary() {
        if (!SKIPPED.isEmpty()) {
            System.out.println("parity: skipped " + String.join(", ", SKIPPED));
        }
        Set<String> bothVariants = new TreeSet<>();
        GRADIENTS.forEach((fixture, variants) -> {
            if (variants.size() == 2) {
                bothVariants.add(fixture);
            }
        });
        System.out.println("parity: " + PASSED.size() + " fixtures passed, " + SKIPPED.size() + " skipped (gradients: "
                + bothVariants.size() + ")");
    }
}
