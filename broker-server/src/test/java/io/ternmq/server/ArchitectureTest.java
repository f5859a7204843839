package io.ternmq.server;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shape docs/design.md draws, checked on the compiled classes of every module the server is built from: no
 * import cycle between packages, and each module uses only the modules below it.
 */
class ArchitectureTest {

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.ternmq");
    }

    @Test
    void everyModuleIsOnTheClasspath() {
        for (String pkg : new String[] {"io.ternmq.config", "io.ternmq.core.session", "io.ternmq.tls",
            "io.ternmq.transport.tcp", "io.ternmq.transport.quic", "io.ternmq.server"}) {
            assertTrue(classes.containPackage(pkg), pkg + " was not imported: the rules below would see nothing");
        }
    }

    /** Every package its own slice: a cycle between any two packages, of any module, fails. */
    @Test
    void noPackageCycles() {
        slices().matching("io.ternmq.(**)").should().beFreeOfCycles().check(classes);
    }

    @Test
    void configUsesNothingOfOurs() {
        noClasses().that().resideInAPackage("io.ternmq.config..").should().dependOnClassesThat()
                .resideInAnyPackage("io.ternmq.core..", "io.ternmq.tls..", "io.ternmq.transport..", "io.ternmq.server..")
                .check(classes);
    }

    @Test
    void theEngineUsesOnlyTheConfig() {
        noClasses().that().resideInAPackage("io.ternmq.core..").should().dependOnClassesThat()
                .resideInAnyPackage("io.ternmq.tls..", "io.ternmq.transport..", "io.ternmq.server..").check(classes);
    }

    @Test
    void tlsUsesOnlyTheConfig() {
        noClasses().that().resideInAPackage("io.ternmq.tls..").should().dependOnClassesThat()
                .resideInAnyPackage("io.ternmq.core..", "io.ternmq.transport..", "io.ternmq.server..").check(classes);
    }

    @Test
    void theTransportsDoNotUseEachOther() {
        noClasses().that().resideInAPackage("io.ternmq.transport.tcp..").should().dependOnClassesThat()
                .resideInAnyPackage("io.ternmq.transport.quic..", "io.ternmq.server..").check(classes);
        noClasses().that().resideInAPackage("io.ternmq.transport.quic..").should().dependOnClassesThat()
                .resideInAnyPackage("io.ternmq.transport.tcp..", "io.ternmq.server..").check(classes);
    }
}
