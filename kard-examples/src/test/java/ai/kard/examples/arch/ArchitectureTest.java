package ai.kard.examples.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The module and package rules (README, "Modules"), checked on the compiled classes of every
 * module this one sees (kard-api, kard-retrieval, kard-core, kard-examples). Only rules that hold today: the
 * cycles inside kard-core ({@code core} with {@code distill}, {@code model} with its architectures through the
 * registry, {@code train} with {@code train.internal}) are known and not yet enforced.
 */
class ArchitectureTest {
    static JavaClasses classes;

    @BeforeAll
    static void importKard() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("ai.kard");
    }

    @Test
    void apiDependsOnNoOtherModuleAndNoDjlLuceneOrJackson() {
        noClasses().that().resideInAPackage("ai.kard.api..").should().dependOnClassesThat()
                .resideInAnyPackage("ai.kard.retrieval..", "ai.kard.core..", "ai.kard.examples..", "ai.djl..",
                        "org.apache.lucene..", "com.fasterxml.jackson..", "com.google.common..")
                .check(classes);
    }

    @Test
    void retrievalDependsOnNeitherCoreNorDjl() {
        noClasses().that().resideInAPackage("ai.kard.retrieval..").should().dependOnClassesThat()
                .resideInAnyPackage("ai.kard.core..", "ai.kard.examples..", "ai.djl..")
                .check(classes);
    }

    @Test
    void solrDependsOnNeitherCoreNorDjlNorExamples() {
        noClasses().that().resideInAPackage("ai.kard.solr..").should().dependOnClassesThat()
                .resideInAnyPackage("ai.kard.core..", "ai.kard.examples..", "ai.djl..")
                .check(classes);
    }

    @Test
    void coreDoesNotDependOnExamples() {
        noClasses().that().resideInAPackage("ai.kard.core..").should().dependOnClassesThat()
                .resideInAPackage("ai.kard.examples..")
                .check(classes);
    }

    @Test
    void examplesUseOnlyPublicApiOfTheOtherModules() {
        // The command line and the mains are what users copy: no internal package of kard-core or kard-retrieval.
        noClasses().that().resideInAPackage("ai.kard.examples..").should().dependOnClassesThat()
                .resideInAnyPackage("ai.kard.core..internal..", "ai.kard.retrieval.internal..", "ai.kard.solr.internal..")
                .check(classes);
    }

    @Test
    void noPackageCyclesWhereThereAreNone() {
        slices().matching("ai.kard.core.(**)").should().beFreeOfCycles().check(classes);
        slices().matching("ai.kard.retrieval.(**)").should().beFreeOfCycles().check(classes);
        slices().matching("ai.kard.examples.(**)").should().beFreeOfCycles().check(classes);
    }
}
