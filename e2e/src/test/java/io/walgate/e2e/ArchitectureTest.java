package io.walgate.e2e;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.type;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.walgate.devstack.ServiceJars;
import io.walgate.support.config.SettingNames;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dependency rules of docs/architecture.md, checked on the compiled main classes of every
 * module (each module's {@code target/classes}, which the reactor builds before this one): a
 * change that points a dependency the wrong way fails here, with the offending class and call.
 */
class ArchitectureTest {
    private static final String[] FRAMEWORKS = {
        "io.quarkus..", "jakarta..", "io.vertx..", "io.smallrye..", "org.eclipse.microprofile..", "org.jboss.."
    };

    private static JavaClasses main;

    @BeforeAll
    static void importEveryModulesMainClasses() {
        Path root = ServiceJars.checkoutRoot();
        List<Path> folders = mainClassFolders(root);
        main = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPaths(folders);
        // An import that silently found nothing would pass every rule below.
        for (String pkg : List.of(
                "io.walgate.contract",
                "io.walgate.client",
                "io.walgate.support",
                "io.walgate.adapter.spi",
                "io.walgate.adapter.kafka",
                "io.walgate.adapter.sqs",
                "io.walgate.consumers.engine",
                "io.walgate.consumers.targets",
                "io.walgate.gateway.core",
                "io.walgate.controller",
                "io.walgate.worker",
                "io.walgate.cli",
                "io.walgate.terraform",
                "io.walgate.devstack")) {
            assertThat(main.containPackage(pkg))
                    .as("compiled classes of %s under %s", pkg, folders)
                    .isTrue();
        }
    }

    @Test
    void theContractDependsOnProtobufAndGrpcOnly() {
        classes()
                .that()
                .resideInAnyPackage("io.walgate.contract..", "io.walgate.api.v1..")
                .should()
                .onlyDependOnClassesThat()
                .resideInAnyPackage(
                        "java..",
                        "io.walgate.contract..",
                        "io.walgate.api.v1..",
                        "com.google.protobuf..",
                        "io.grpc..",
                        // the generated stubs' future type
                        "com.google.common.util.concurrent..")
                .check(main);
    }

    @Test
    void theContractStartsNoThreadAndOpensNoConnection() {
        noClasses()
                .that()
                .resideInAPackage("io.walgate.contract..")
                .should()
                .dependOnClassesThat()
                // URI is a value; connections, clients and executors are runtime
                .resideInAnyPackage("java.net.http..", "java.util.concurrent..", "javax.net..")
                .orShould()
                .dependOnClassesThat()
                .haveFullyQualifiedName("java.net.Socket")
                .orShould()
                .dependOnClassesThat()
                .areAssignableTo(Thread.class)
                .check(main);
    }

    @Test
    void theControllerClientIsPlainJavaOnTheContract() {
        classes()
                .that()
                .resideInAPackage("io.walgate.client..")
                .should()
                .onlyDependOnClassesThat()
                .resideInAnyPackage("java..", "io.walgate.client..", "io.walgate.contract..", "com.fasterxml.jackson..")
                .check(main);
    }

    @Test
    void librariesAndTheEngineKnowNoFramework() {
        noClasses()
                .that()
                .resideInAnyPackage(
                        "io.walgate.contract..",
                        "io.walgate.client..",
                        "io.walgate.adapter..",
                        "io.walgate.consumers..",
                        "io.walgate.gateway.core..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(FRAMEWORKS)
                .check(main);
    }

    @Test
    void eachKindOfModuleLogsThroughOneApi() {
        // Plain-Java code: System.Logger, so it logs wherever it runs (a service, a test, walctl).
        noClasses()
                .that()
                .resideInAnyPackage(
                        "io.walgate.contract..",
                        "io.walgate.client..",
                        "io.walgate.adapter..",
                        "io.walgate.consumers..",
                        "io.walgate.gateway.core..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("java.util.logging..", "org.slf4j..", "org.apache.logging..")
                .check(main);
        // The services' Quarkus code: io.quarkus.logging.Log (JBoss Logging's MDC is what it has for
        // structured fields).
        noClasses()
                .that()
                .resideInAnyPackage("io.walgate.controller..", "io.walgate.gateway..", "io.walgate.worker..")
                .and()
                .resideOutsideOfPackage("io.walgate.gateway.core..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("java.util.logging..", "org.slf4j..", "org.apache.logging..")
                .orShould()
                .dependOnClassesThat()
                .haveFullyQualifiedName("java.lang.System$Logger")
                .orShould()
                .dependOnClassesThat()
                .haveFullyQualifiedName("org.jboss.logging.Logger")
                .check(main);
    }

    @Test
    void theGatewaysCoreKnowsNoProtocolAndNoStore() {
        noClasses()
                .that()
                .resideInAPackage("io.walgate.gateway.core..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "io.walgate.gateway.api..",
                        "io.walgate.gateway.grpc..",
                        "io.walgate.gateway.store..",
                        "io.walgate.adapter.kafka..",
                        "io.walgate.adapter.sqs..")
                .check(main);
    }

    @Test
    void theSpiKnowsNoBackendAndBackendsKnowNoOther() {
        noClasses()
                .that()
                .resideInAPackage("io.walgate.adapter.spi..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.walgate.adapter.kafka..", "io.walgate.adapter.sqs..")
                .check(main);
        noClasses()
                .that()
                .resideInAPackage("io.walgate.adapter.kafka..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("io.walgate.adapter.sqs..")
                .check(main);
        noClasses()
                .that()
                .resideInAPackage("io.walgate.adapter.sqs..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("io.walgate.adapter.kafka..")
                .check(main);
    }

    @Test
    void theEngineKnowsNoBackend() {
        // A backend is one module under adapters/ (provisioning, appending, reading); the engine
        // sees it only through the SPI's LogReader, EntryHandler and DeliveryProgress.
        noClasses()
                .that()
                .resideInAPackage("io.walgate.consumers..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.walgate.adapter.kafka..", "io.walgate.adapter.sqs..", "software.amazon..")
                .check(main);
        noClasses()
                .that()
                .resideInAPackage("io.walgate.consumers.engine..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("org.apache.kafka..")
                .check(main);
        noClasses()
                .that()
                .resideInAPackage("io.walgate.adapter..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("io.walgate.consumers..")
                .check(main);
    }

    @Test
    void theEngineKnowsTargetsOnlyThroughTheirSpi() {
        // Each target is a module of its own with only its driver, found through ServiceLoader.
        String[] targets = {
            "io.walgate.consumers.targets.postgres..",
            "io.walgate.consumers.targets.redis..",
            "io.walgate.consumers.targets.http..",
            "io.walgate.consumers.targets.kafka..",
            "io.walgate.consumers.targets.wal.."
        };
        noClasses()
                .that()
                .resideInAnyPackage("io.walgate.consumers.engine..", "io.walgate.worker..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(targets)
                .check(main);
        noClasses()
                .that()
                .resideInAnyPackage(targets)
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.walgate.consumers.engine..", "io.walgate.adapter..", "io.walgate.support..")
                .check(main);
    }

    @Test
    void sharedCodeKnowsNoServiceAndNoBackend() {
        noClasses()
                .that()
                .resideInAnyPackage("io.walgate.support..", "io.walgate.client..", "io.walgate.contract..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "io.walgate.gateway..",
                        "io.walgate.controller..",
                        "io.walgate.worker..",
                        "io.walgate.consumers..",
                        "io.walgate.adapter..")
                .check(main);
    }

    @Test
    void noServiceReachesIntoAnother() {
        noClasses()
                .that()
                .resideInAPackage("io.walgate.gateway..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.walgate.controller..", "io.walgate.worker..", "io.walgate.consumers..")
                .check(main);
        noClasses()
                .that()
                .resideInAPackage("io.walgate.controller..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.walgate.gateway..", "io.walgate.worker..", "io.walgate.consumers..")
                .check(main);
        noClasses()
                .that()
                .resideInAPackage("io.walgate.worker..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.walgate.gateway..", "io.walgate.controller..")
                .check(main);
        noClasses()
                .that()
                .resideInAPackage("io.walgate.consumers..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.walgate.worker..", "io.walgate.support..")
                .check(main);
    }

    @Test
    void walctlSpeaksHttpOnly() {
        noClasses()
                .that()
                .resideInAPackage("io.walgate.cli..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "io.walgate.contract..",
                        "io.walgate.client..",
                        "io.walgate.support..",
                        "io.walgate.adapter..",
                        "io.walgate.consumers..",
                        "io.walgate.gateway..",
                        "io.walgate.controller..",
                        "io.walgate.worker..",
                        "io.walgate.devstack..")
                .check(main);
    }

    @Test
    void theTerraformProviderSpeaksHttpAndTakesOnlyTheControllerClientsTokens() {
        // Terraform starts it 3 to 5 times per command: no framework, and no service's classes.
        noClasses()
                .that()
                .resideInAPackage("io.walgate.terraform..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(Stream.concat(
                                Stream.of(FRAMEWORKS),
                                Stream.of(
                                        "io.walgate.support..",
                                        "io.walgate.adapter..",
                                        "io.walgate.consumers..",
                                        "io.walgate.gateway..",
                                        "io.walgate.controller..",
                                        "io.walgate.worker..",
                                        "io.walgate.cli..",
                                        "io.walgate.devstack.."))
                        .toArray(String[]::new))
                .check(main);
    }

    @Test
    void theDevstackUsesNothingOfWalgatesButTheSettingNames() {
        noClasses()
                .that()
                .resideInAPackage("io.walgate.devstack..")
                .should()
                .dependOnClassesThat(resideInAPackage("io.walgate..")
                        .and(not(resideInAPackage("io.walgate.devstack..")))
                        .and(not(type(SettingNames.class))))
                .check(main);
    }

    @Test
    void mainCodeNeverUsesTheDevstack() {
        noClasses()
                .that()
                .resideOutsideOfPackage("io.walgate.devstack..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("io.walgate.devstack..")
                .check(main);
    }

    /** Every module's {@code target/classes} except this module's and the benchmarks'. */
    private static List<Path> mainClassFolders(Path root) {
        try (Stream<Path> poms = Files.walk(root, 4)) {
            List<Path> folders = poms.filter(p -> p.getFileName().toString().equals("pom.xml"))
                    .map(Path::getParent)
                    .filter(module -> !module.startsWith(root.resolve("e2e"))
                            && !module.startsWith(root.resolve("benchmarks"))
                            && !module.toString().contains("/target/"))
                    .map(module -> module.resolve("target/classes"))
                    .filter(Files::isDirectory)
                    .toList();
            assertThat(folders).as("compiled modules under %s", root).isNotEmpty();
            return folders;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
