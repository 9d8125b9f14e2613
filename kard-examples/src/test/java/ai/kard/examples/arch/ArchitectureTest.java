package ai.kard.examples.arch;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.codeUnits;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.fields;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaMember;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.JavaParameter;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The module and package rules (README, "Modules"; CONTRIBUTING, "Packages and documentation"), checked on the
 * compiled classes of every module this one sees (kard-api, kard-retrieval, kard-core, kard-solr, kard-onnx,
 * kard-examples).
 *
 * <p>The public API is every public type outside an {@code internal} package of kard-api, kard-retrieval, kard-core,
 * kard-solr and kard-onnx. Its signatures (public constructors, methods and fields) name no Jackson, Guava or
 * {@code internal} type; no module's packages form a cycle; the command line, the demo and the example mains use
 * no {@code internal} package of another module (kard-bench is a benchmark and may).
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
    void onnxDependsOnNeitherExamplesNorSolr() {
        noClasses().that().resideInAPackage("ai.kard.onnx..").should().dependOnClassesThat()
                .resideInAnyPackage("ai.kard.examples..", "ai.kard.solr..")
                .check(classes);
    }

    @Test
    void onlyKardOnnxUsesOnnxRuntime() {
        // kard-bench runs ONNX Runtime as its reference engine; of the library, only the optional kard-onnx may.
        noClasses().that().resideOutsideOfPackages("ai.kard.onnx..", "ai.kard.bench..").should()
                .dependOnClassesThat().resideInAPackage("ai.onnxruntime..")
                .check(classes);
    }

    @Test
    void examplesUseOnlyPublicApiOfTheOtherModules() {
        // The command line, the demo and the mains are what users copy: no internal package of another module.
        noClasses().that().resideInAPackage("ai.kard.examples..").should().dependOnClassesThat()
                .resideInAnyPackage("ai.kard.core..internal..", "ai.kard.retrieval..internal..",
                        "ai.kard.solr..internal..", "ai.kard.onnx..internal..")
                .check(classes);
    }

    @Test
    void publicApiExposesNoJacksonGuavaOrInternalType() {
        DescribedPredicate<JavaClass> foreign = new DescribedPredicate<>(
                "a Jackson, Guava or kard internal type") {
            @Override
            public boolean test(JavaClass type) {
                String name = type.getName();
                return name.startsWith("com.fasterxml.jackson.") || name.startsWith("com.google.common.")
                        || name.startsWith("ai.kard.") && name.contains(".internal.");
            }
        };
        codeUnits().that(inPublicApi()).should(notExpose(foreign)).check(classes);
        fields().that(inPublicApi()).should(notExpose(foreign)).check(classes);
    }

    /**
     * Engine-level members of the public {@code LateInteractionScorer} that kard-bench and the parity tests build
     * scorers from; known, not yet behind an internal factory.
     */
    static final List<String> KNOWN_EXPOSURES = List.of(
            "ai.kard.core.rerank.LateInteractionScorer.<init>(ai.kard.core.internal.",
            "ai.kard.core.rerank.LateInteractionScorer.create(ai.kard.core.internal.",
            "ai.kard.core.rerank.LateInteractionScorer.encoder()",
            "ai.kard.core.rerank.LateInteractionScorer.loadProjection(");

    @Test
    void noPackageCycles() {
        // Every package of kard-api, kard-core (internal ones included) and kard-examples, and the modules. Known and
        // not enforced: kard-retrieval's and kard-solr's public package with its own internal package (the
        // settings types the internals read live in the public package).
        slices().matching("ai.kard.(**)").should().beFreeOfCycles()
                .ignoreDependency(resideInAPackage("ai.kard.retrieval.."), resideInAPackage("ai.kard.retrieval.."))
                .ignoreDependency(resideInAPackage("ai.kard.solr.."), resideInAPackage("ai.kard.solr.."))
                .check(classes);
        slices().matching("ai.kard.(*)..").should().beFreeOfCycles().check(classes);
    }

    /** Public members of public (and publicly enclosed) types outside internal packages of the library modules. */
    static <M extends JavaMember> DescribedPredicate<M> inPublicApi() {
        return new DescribedPredicate<>("are public API") {
            @Override
            public boolean test(M member) {
                JavaClass owner = member.getOwner();
                String pkg = owner.getPackageName();
                boolean libraryPackage = pkg.startsWith("ai.kard.api") || pkg.startsWith("ai.kard.retrieval")
                        || pkg.startsWith("ai.kard.core") || pkg.startsWith("ai.kard.solr")
                        || pkg.startsWith("ai.kard.onnx");
                return libraryPackage && !pkg.contains(".internal") && member.getModifiers().contains(JavaModifier.PUBLIC)
                        && !member.getModifiers().contains(JavaModifier.SYNTHETIC) && visible(owner);
            }
        };
    }

    static boolean visible(JavaClass type) {
        if (!type.getModifiers().contains(JavaModifier.PUBLIC)) {
            return false;
        }
        return type.getEnclosingClass().map(ArchitectureTest::visible).orElse(true);
    }

    static <M extends JavaMember> ArchCondition<M> notExpose(DescribedPredicate<JavaClass> bad) {
        return new ArchCondition<>("not expose " + bad.getDescription() + " in their signature") {
            @Override
            public void check(M member, ConditionEvents events) {
                Set<JavaClass> types = new LinkedHashSet<>();
                if (member instanceof JavaCodeUnit unit) {
                    types.addAll(unit.getReturnType().getAllInvolvedRawTypes());
                    for (JavaParameter parameter : unit.getParameters()) {
                        types.addAll(parameter.getType().getAllInvolvedRawTypes());
                    }
                } else if (member instanceof JavaField field) {
                    types.addAll(field.getType().getAllInvolvedRawTypes());
                }
                if (KNOWN_EXPOSURES.stream().anyMatch(member.getFullName()::startsWith)) {
                    return;
                }
                for (JavaClass type : types) {
                    if (bad.test(type)) {
                        events.add(SimpleConditionEvent.violated(member,
                                member.getFullName() + " exposes " + type.getName()));
                    }
                }
            }
        };
    }
}
