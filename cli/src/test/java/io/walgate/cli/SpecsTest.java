package io.walgate.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpecsTest {
    @TempDir
    Path dir;

    @Test
    void aYamlFileOfSeveralDocumentsIsSeveralNamespaces() {
        assertThat(Specs.read("examples/namespaces.yaml"))
                .extracting(n -> n.path("name").asText())
                .containsExactly("orders", "jobs");
    }

    @Test
    void aJsonArrayIsSeveralNamespacesAndAJsonObjectOne() throws Exception {
        Path array = Files.writeString(dir.resolve("a.json"), "[{\"name\":\"a\"},{\"name\":\"b\"}]");
        Path one = Files.writeString(dir.resolve("o.json"), "{\"name\":\"c\",\"owner\":\"t\"}");
        assertThat(Specs.read(array.toString())).hasSize(2);
        assertThat(Specs.read(one.toString()).get(0).path("owner").asText()).isEqualTo("t");
    }

    @Test
    void brokenYamlIsAUsageErrorNamingTheFile() throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.yaml"), "name: x\n  owner: [unclosed\n");
        assertThatThrownBy(() -> Specs.read(bad.toString())).isInstanceOfSatisfying(CliException.class, e -> {
            assertThat(e.exitCode()).isEqualTo(CliException.USAGE);
            assertThat(e.getMessage()).contains("bad.yaml").contains("not valid YAML or JSON");
        });
    }

    @Test
    void aDocumentWithoutANameIsRefused() throws Exception {
        Path nameless = Files.writeString(dir.resolve("n.yaml"), "owner: x\n");
        assertThatThrownBy(() -> Specs.read(nameless.toString()))
                .isInstanceOfSatisfying(
                        CliException.class, e -> assertThat(e.getMessage()).contains("document 1 is not a namespace"));
        assertThatThrownBy(() -> Specs.read(dir.resolve("missing.yaml").toString()))
                .hasMessageContaining("no such file");
    }
}
