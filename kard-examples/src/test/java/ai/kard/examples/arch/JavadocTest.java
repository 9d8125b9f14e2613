package ai.kard.examples.arch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.tools.DiagnosticCollector;
import javax.tools.DocumentationTool;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The public API's Javadoc is complete: the JDK's javadoc with {@code -Xdoclint:all} reports no warning and no error
 * for any package of kard-api, kard-retrieval, kard-core, kard-solr and kard-onnx outside their {@code internal} packages.
 * Every package has a {@code package-info.java}.
 */
class JavadocTest {
    static final Path ROOT = Path.of(System.getProperty("kard.repo.root", "..")).toAbsolutePath().normalize();
    static final List<String> LIBRARY_MODULES = List.of("kard-api", "kard-retrieval", "kard-core", "kard-solr",
            "kard-onnx");

    /** The documented API: every source of the library modules outside an {@code internal} package. */
    static List<Path> publicApi() throws IOException {
        List<Path> files = new ArrayList<>();
        for (String module : LIBRARY_MODULES) {
            Path sources = ROOT.resolve(module).resolve("src/main/java");
            try (Stream<Path> all = Files.walk(sources)) {
                all.filter(p -> p.toString().endsWith(".java"))
                        .filter(p -> !sources.relativize(p).toString().replace('\\', '/').contains("/internal/"))
                        .sorted().forEach(files::add);
            }
        }
        return files;
    }

    @Test
    void publicApiHasNoDoclintWarnings(@TempDir Path out) throws IOException {
        DocumentationTool javadoc = ToolProvider.getSystemDocumentationTool();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        StringWriter log = new StringWriter();
        try (StandardJavaFileManager files = javadoc.getStandardFileManager(diagnostics, null, null)) {
            List<String> options = List.of("-Xdoclint:all", "-quiet", "-d", out.toString(),
                    "-cp", System.getProperty("java.class.path"));
            Boolean ok = javadoc.getTask(log, files, diagnostics, null, options,
                    files.getJavaFileObjectsFromPaths(publicApi())).call();
            List<String> problems = diagnostics.getDiagnostics().stream()
                    .map(d -> d.getKind() + " " + (d.getSource() == null ? "" : d.getSource().getName()) + ":"
                            + d.getLineNumber() + ": " + d.getMessage(null))
                    .toList();
            assertThat(problems).as(log.toString()).isEmpty();
            assertThat(ok).isTrue();
        }
    }

    @Test
    void everyPackageHasPackageInfo() throws IOException {
        List<Path> missing = new ArrayList<>();
        for (String module : List.of("kard-api", "kard-retrieval", "kard-core", "kard-solr", "kard-onnx",
                "kard-examples")) {
            try (Stream<Path> dirs = Files.walk(ROOT.resolve(module).resolve("src/main/java"))) {
                for (Path dir : dirs.filter(Files::isDirectory).toList()) {
                    boolean hasSources;
                    try (Stream<Path> files = Files.list(dir)) {
                        hasSources = files.anyMatch(p -> p.toString().endsWith(".java"));
                    }
                    if (hasSources && !Files.exists(dir.resolve("package-info.java"))) {
                        missing.add(ROOT.relativize(dir));
                    }
                }
            }
        }
        assertThat(missing).isEmpty();
    }
}
