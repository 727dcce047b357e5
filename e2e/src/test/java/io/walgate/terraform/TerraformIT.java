package io.walgate.terraform;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grpc.Server;
import io.walgate.e2e.FullStack;
import io.walgate.e2e.FullStackExtension;
import io.walgate.e2e.WalgateClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The provider as platform teams use it: the real {@code terraform} binary against the real
 * controller. The provider runs in this JVM and Terraform attaches to it ({@code
 * TF_REATTACH_PROVIDERS}), so a command costs no JVM start; {@link TerraformInstallIT} has
 * Terraform launch the installed provider itself, over its mutual TLS.
 */
@ExtendWith(FullStackExtension.class)
class TerraformIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static FullStack stack;
    private static Server provider;
    private static String reattach;

    @BeforeAll
    static void start(FullStack fullStack) throws Exception {
        TerraformRunner.assumeInstalled();
        stack = fullStack;
        provider = ProviderMain.serve(Map.of("WALGATE_CONTROLLER_URL", stack.controllerUrl())::get, null, () -> {});
        reattach = ProviderMain.reattach(provider.getPort());
    }

    @AfterAll
    static void stop() {
        if (provider != null) {
            provider.shutdownNow();
        }
    }

    @Test
    void aNamespaceIsCreatedAsConfiguredChangedInPlaceAndDestroyed() throws Exception {
        TerraformRunner tf = terraform("lifecycle");
        tf.config(namespace("tf-life", "retry = { max_attempts = 5, max_backoff = \"P1D\" }"));

        TerraformRunner.Run apply = tf.run("apply", "-auto-approve");
        assertThat(apply.exit()).as(apply.all()).isZero();
        JsonNode ns = get("tf-life");
        assertThat(ns.path("status").path("phase").asText())
                .as("apply waits until it can be written to")
                .isEqualTo("READY");
        assertThat(ns.path("spec").path("retry").path("maxAttempts").asInt()).isEqualTo(5);
        assertThat(ns.path("spec").path("retry").path("maxBackoff").asText()).isEqualTo("PT24H");
        assertThat(ns.path("spec").path("backend").path("partitions").asInt()).isEqualTo(3);

        TerraformRunner.Run again = tf.run("plan", "-detailed-exitcode");
        assertThat(again.exit())
                .as("defaults the controller filled in and P1D spelled PT24H are no diff: " + again.all())
                .isZero();

        tf.config(namespace(
                "tf-life",
                "retry = { max_attempts = 6, max_backoff = \"P1D\" }\n  access = { writers = [\"svc-life\"] }"));
        TerraformRunner.Run change = tf.run("plan", "-detailed-exitcode");
        assertThat(change.exit()).as(change.all()).isEqualTo(2);
        assertThat(change.out())
                .contains("will be updated in-place")
                .containsPattern("max_attempts\\s+= 5 -> 6")
                .contains("\"svc-life\"")
                .contains("0 to add, 1 to change, 0 to destroy");
        assertThat(tf.run("apply", "-auto-approve").exit()).isZero();
        JsonNode changed = get("tf-life");
        assertThat(changed.path("spec").path("retry").path("maxAttempts").asInt())
                .isEqualTo(6);
        assertThat(changed.path("spec").path("access").path("writers").get(0).asText())
                .isEqualTo("svc-life");
        assertThat(changed.path("version").asLong())
                .isGreaterThan(ns.path("version").asLong());
        assertThat(changed.path("createdAt").asText())
                .as("changed in place, not replaced")
                .isEqualTo(ns.path("createdAt").asText());
        assertThat(tf.run("plan", "-detailed-exitcode").exit()).isZero();

        TerraformRunner.Run destroy = tf.run("destroy", "-auto-approve");
        assertThat(destroy.exit()).as(destroy.all()).isZero();
        assertGone("tf-life");
    }

    @Test
    void aChangeMadeOutsideTerraformShowsInThePlanAndApplyPutsItBack() throws Exception {
        TerraformRunner tf = terraform("drift");
        tf.config(namespace("tf-drift", "retry = { max_attempts = 5 }"));
        assertThat(tf.run("apply", "-auto-approve").exit()).isZero();

        changeOutside("tf-drift", spec -> {
            ((ObjectNode) spec.path("retry")).put("maxAttempts", 9); // configured
            ((ObjectNode) spec.path("limits")).put("writesPerSecond", 77); // left to its default
            spec.put("state", "PAUSED"); // left out: Terraform keeps what operators chose
        });
        TerraformRunner.Run plan = tf.run("plan", "-detailed-exitcode");
        assertThat(plan.exit()).as(plan.all()).isEqualTo(2);
        assertThat(plan.out())
                .containsPattern("max_attempts\\s+= 9 -> 5")
                .containsPattern("writes_per_second\\s+= 77 -> 5000")
                .doesNotContain("PAUSED");
        assertThat(tf.run("apply", "-auto-approve").exit()).isZero();
        JsonNode back = get("tf-drift");
        assertThat(back.path("spec").path("retry").path("maxAttempts").asInt()).isEqualTo(5);
        assertThat(back.path("spec").path("limits").path("writesPerSecond").asInt())
                .isEqualTo(5000);
        assertThat(back.path("spec").path("state").asText()).isEqualTo("PAUSED");

        // Deleted outside: the plan creates it again, and apply waits out the delete grace.
        assertThat(WalgateClient.send("DELETE", stack.controllerUrl() + "/v1/namespaces/tf-drift?force=true", null)
                        .statusCode())
                .isEqualTo(202);
        TerraformRunner.Run recreate = tf.run("plan", "-detailed-exitcode");
        assertThat(recreate.exit()).as(recreate.all()).isEqualTo(2);
        assertThat(recreate.out()).contains("will be created").contains("1 to add, 0 to change, 0 to destroy");
        TerraformRunner.Run apply = tf.run("apply", "-auto-approve");
        assertThat(apply.exit()).as(apply.all()).isZero();
        assertThat(get("tf-drift").path("status").path("phase").asText()).isEqualTo("READY");
        assertThat(tf.run("destroy", "-auto-approve").exit()).isZero();
    }

    @Test
    void valuesOtherResourcesDecideAreCheckedWhenApplyKnowsThem() throws Exception {
        // terraform_data's output is known only after apply: the plan cannot ask the controller.
        TerraformRunner tf = terraform("unknowns");
        String config = namespace("tf-unknowns", "limits = { writes_per_second = 2000 }")
                        .replace("\"redis://127.0.0.1:6379/3\"", "terraform_data.url.output")
                + "resource \"terraform_data\" \"url\" {\n  input = \"redis://127.0.0.1:6379/3\"\n}\n";
        tf.config(config);
        TerraformRunner.Run plan = tf.run("plan");
        assertThat(plan.exit()).as(plan.all()).isZero();
        assertThat(plan.out()).containsPattern("retry\\s+= \\(known after apply\\)");
        TerraformRunner.Run apply = tf.run("apply", "-auto-approve");
        assertThat(apply.exit()).as(apply.all()).isZero();
        assertThat(tf.run("plan", "-detailed-exitcode").exit()).isZero();

        // A new URL, unknown again, and a limit left to its default again: one apply, no surprise.
        tf.config(config.replace("redis://127.0.0.1:6379/3", "redis://127.0.0.1:6379/4")
                .replace("limits = { writes_per_second = 2000 }", ""));
        TerraformRunner.Run change = tf.run("apply", "-auto-approve");
        assertThat(change.exit()).as(change.all()).isZero();
        JsonNode ns = get("tf-unknowns");
        assertThat(ns.path("spec")
                        .path("target")
                        .path("regions")
                        .path("local")
                        .path("url")
                        .asText())
                .isEqualTo("redis://127.0.0.1:6379/4");
        assertThat(ns.path("spec").path("limits").path("writesPerSecond").asInt())
                .isEqualTo(5000);
        assertThat(tf.run("plan", "-detailed-exitcode").exit()).isZero();
        assertThat(tf.run("destroy", "-auto-approve").exit()).isZero();
    }

    @Test
    void changingTheNameReplacesTheNamespace() throws Exception {
        TerraformRunner tf = terraform("rename");
        tf.config(namespace("tf-old-name", ""));
        assertThat(tf.run("apply", "-auto-approve").exit()).isZero();

        tf.config(namespace("tf-new-name", ""));
        TerraformRunner.Run plan = tf.run("plan", "-detailed-exitcode");
        assertThat(plan.exit()).as(plan.all()).isEqualTo(2);
        assertThat(plan.out())
                .contains("must be replaced")
                .containsPattern("name\\s+= \"tf-old-name\" -> \"tf-new-name\" # forces replacement")
                .contains("1 to add, 0 to change, 1 to destroy");
        assertThat(tf.run("apply", "-auto-approve").exit()).isZero();
        assertGone("tf-old-name");
        assertThat(get("tf-new-name").path("status").path("phase").asText()).isEqualTo("READY");
        assertThat(tf.run("destroy", "-auto-approve").exit()).isZero();
    }

    @Test
    void anExistingNamespaceIsAdoptedByTheImportCommandAndByAnImportBlock() throws Exception {
        for (String name : new String[] {"tf-import-cmd", "tf-import-block"}) {
            stack.client()
                    .createNamespace("{\"name\":\"" + name + "\",\"owner\":\"team-tf\",\"backend\":{\"type\":\"kafka\","
                            + "\"partitions\":3},\"retry\":{\"maxAttempts\":5},\"target\":{\"type\":\"redis\","
                            + "\"regions\":{\"local\":{\"url\":\"redis://127.0.0.1:6379/3\"}}}}");
        }
        TerraformRunner cmd = terraform("import-cmd");
        cmd.config(namespace("tf-import-cmd", "retry = { max_attempts = 5 }"));
        TerraformRunner.Run imported = cmd.run("import", "walgate_namespace.ns", "tf-import-cmd");
        assertThat(imported.exit()).as(imported.all()).isZero();
        assertThat(imported.out()).contains("Import successful");
        TerraformRunner.Run plan = cmd.run("plan", "-detailed-exitcode");
        assertThat(plan.exit())
                .as("the configuration matches what was imported: " + plan.all())
                .isZero();

        TerraformRunner unknown = terraform("import-unknown");
        unknown.config(namespace("tf-import-none", ""));
        TerraformRunner.Run none = unknown.run("import", "walgate_namespace.ns", "tf-import-none");
        assertThat(none.exit()).isEqualTo(1);
        assertThat(none.all()).contains("NAMESPACE_NOT_FOUND");

        TerraformRunner block = terraform("import-block");
        block.config(namespace("tf-import-block", "retry = { max_attempts = 5 }")
                + "\nimport {\n  to = walgate_namespace.ns\n  id = \"tf-import-block\"\n}\n");
        TerraformRunner.Run blockPlan = block.run("plan");
        assertThat(blockPlan.exit()).as(blockPlan.all()).isZero();
        assertThat(blockPlan.out()).contains("1 to import, 0 to add, 0 to change, 0 to destroy");
        assertThat(block.run("apply", "-auto-approve").exit()).isZero();
        assertThat(block.run("plan", "-detailed-exitcode").exit()).isZero();
        assertThat(block.run("destroy", "-auto-approve").exit()).isZero();
        assertThat(cmd.run("destroy", "-auto-approve").exit()).isZero();
    }

    @Test
    void anInvalidSpecFailsAtPlanWithTheControllersCodeOnItsAttribute() throws Exception {
        TerraformRunner tf = terraform("invalid");
        tf.config(namespace("tf-invalid", "retry = { max_attempts = 0 }"));
        TerraformRunner.Run plan = tf.run("plan");
        assertThat(plan.exit()).isEqualTo(1);
        assertThat(plan.text())
                .contains("INVALID_MAX_ATTEMPTS")
                .contains("retry.max_attempts")
                .contains("with walgate_namespace.ns");
        assertThat(get404("tf-invalid")).as("nothing was created").isTrue();

        tf.config(namespace("tf-invalid", "").replace("redis://127.0.0.1:6379/3", "http://not-redis"));
        TerraformRunner.Run url = tf.run("plan");
        assertThat(url.exit()).isEqualTo(1);
        assertThat(url.text()).contains("INVALID_TARGET_URL").contains("target.regions[\"local\"].url");

        tf.config(namespace("tf-invalid", "limits = { dedup_window = \"1 day\" }"));
        TerraformRunner.Run duration = tf.run("validate");
        assertThat(duration.exit())
                .as("a bad duration is found without a controller")
                .isEqualTo(1);
        assertThat(duration.text()).contains("INVALID_DURATION").contains("limits.dedup_window");

        tf.config(namespace("tf-invalid", "colour = \"blue\""));
        TerraformRunner.Run unknownAttribute = tf.run("plan");
        assertThat(unknownAttribute.exit()).isEqualTo(1);
        assertThat(unknownAttribute.text()).contains("Unsupported argument").contains("colour");

        tf.config(namespace("tf-invalid", "").replace("partitions = 3", "partitions = \"many\""));
        TerraformRunner.Run wrongType = tf.run("plan");
        assertThat(wrongType.exit()).isEqualTo(1);
        assertThat(wrongType.text()).contains("Incorrect attribute value type").contains("partitions");
        assertThat(String.join("\n", plan.all(), url.all(), duration.all(), unknownAttribute.all(), wrongType.all()))
                .doesNotContain("panic")
                .doesNotContain("goroutine")
                .doesNotContain("plugin exited")
                .doesNotContain("provider error");
    }

    @Test
    void anUnreachableOrRefusingControllerIsADiagnosticNotACrash() throws Exception {
        TerraformRunner down = terraform("unreachable");
        down.config(namespace("tf-unreachable", "")
                .replace("provider \"walgate\" {}", "provider \"walgate\" {\n  endpoint = \"http://127.0.0.1:9\"\n}"));
        TerraformRunner.Run unreachable = down.run("plan");
        assertThat(unreachable.exit()).isEqualTo(1);
        assertThat(unreachable.text())
                .contains("cannot reach the Walgate controller at http://127.0.0.1:9")
                .contains("with walgate_namespace.ns");

        TerraformRunner refused = terraform("unauthenticated");
        refused.config(namespace("tf-unauthenticated", "")
                .replace(
                        "provider \"walgate\" {}",
                        "provider \"walgate\" {\n  endpoint = \"" + stack.securedControllerUrl() + "\"\n}"));
        TerraformRunner.Run unauthenticated = refused.run("plan");
        assertThat(unauthenticated.exit()).isEqualTo(1);
        assertThat(unauthenticated.text())
                .contains("UNAUTHENTICATED")
                .contains("did not accept the provider's credentials");

        TerraformRunner badEndpoint = terraform("bad-endpoint");
        badEndpoint.config(namespace("tf-bad-endpoint", "")
                .replace("provider \"walgate\" {}", "provider \"walgate\" {\n  endpoint = \"localhost:8081\"\n}"));
        TerraformRunner.Run bad = badEndpoint.run("plan");
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.text()).contains("Invalid Walgate endpoint").contains("endpoint");
        assertThat(String.join("\n", unreachable.all(), unauthenticated.all(), bad.all()))
                .doesNotContain("panic")
                .doesNotContain("plugin exited")
                .doesNotContain("provider error");
    }

    @Test
    void dataSourcesReadANamespaceAndTheListing() throws Exception {
        stack.client()
                .createNamespace(
                        "{\"name\":\"tf-data\",\"shard\":\"tf-data-shard\",\"owner\":\"team-data\",\"backend\":"
                                + "{\"type\":\"sqs\"},\"target\":{\"type\":\"http\",\"regions\":{\"local\":{\"url\":"
                                + "\"http://127.0.0.1:9/apply\"}}}}");
        TerraformRunner tf = terraform("data");
        tf.config(HEADER
                + "data \"walgate_namespace\" \"one\" {\n  name = \"tf-data\"\n}\n"
                + "data \"walgate_namespaces\" \"shard\" {\n  shard = \"tf-data-shard\"\n}\n"
                + "output \"backend\" {\n  value = data.walgate_namespace.one.backend.type\n}\n"
                + "output \"url\" {\n  value = data.walgate_namespace.one.target.regions[\"local\"].url\n}\n"
                + "output \"names\" {\n  value = data.walgate_namespaces.shard.names\n}\n");
        TerraformRunner.Run apply = tf.run("apply", "-auto-approve");
        assertThat(apply.exit()).as(apply.all()).isZero();
        JsonNode outputs = JSON.readTree(tf.run("output", "-json").out());
        assertThat(outputs.path("backend").path("value").asText()).isEqualToIgnoringCase("sqs");
        assertThat(outputs.path("url").path("value").asText()).isEqualTo("http://127.0.0.1:9/apply");
        assertThat(outputs.path("names").path("value").toString()).isEqualTo("[\"tf-data\"]");

        tf.config(HEADER + "data \"walgate_namespace\" \"none\" {\n  name = \"tf-data-none\"\n}\n");
        TerraformRunner.Run missing = tf.run("plan");
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.text()).contains("NAMESPACE_NOT_FOUND");
    }

    static final String HEADER = "terraform {\n  required_providers {\n    walgate = { source = \"walgate/walgate\" }\n"
            + "  }\n}\n\nprovider \"walgate\" {}\n\n";

    /** A configuration of one Kafka namespace with a Redis target, plus {@code extra} attributes. */
    static String namespace(String name, String extra) {
        return HEADER + "resource \"walgate_namespace\" \"ns\" {\n  name  = \"" + name + "\"\n  owner = \"team-tf\"\n"
                + "  backend = { type = \"kafka\", partitions = 3 }\n"
                + "  target = {\n    type    = \"redis\"\n"
                + "    regions = { local = { url = \"redis://127.0.0.1:6379/3\" } }\n  }\n  " + extra + "\n}\n";
    }

    private TerraformRunner terraform(String name) throws IOException {
        Path dir = Path.of("target", "terraform-it", name);
        deleteRecursively(dir);
        return new TerraformRunner(dir).env("TF_REATTACH_PROVIDERS", reattach);
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static JsonNode get(String name) throws IOException, InterruptedException {
        HttpResponse<String> r = WalgateClient.send("GET", stack.controllerUrl() + "/v1/namespaces/" + name, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private static boolean get404(String name) throws IOException, InterruptedException {
        return WalgateClient.send("GET", stack.controllerUrl() + "/v1/namespaces/" + name, null)
                        .statusCode()
                == 404;
    }

    private static void assertGone(String name) throws IOException, InterruptedException {
        HttpResponse<String> r = WalgateClient.send("GET", stack.controllerUrl() + "/v1/namespaces/" + name, null);
        if (r.statusCode() != 404) {
            assertThat(JSON.readTree(r.body()).path("status").path("phase").asText())
                    .isEqualTo("DELETING");
        }
    }

    /** Changes a namespace as walctl or an operator would: read, edit, replace with its ETag. */
    private static void changeOutside(String name, Consumer<ObjectNode> edit) throws Exception {
        HttpResponse<String> current =
                WalgateClient.send("GET", stack.controllerUrl() + "/v1/namespaces/" + name, null);
        ObjectNode spec = (ObjectNode) JSON.readTree(current.body()).path("spec");
        edit.accept(spec);
        HttpResponse<String> put = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(stack.controllerUrl() + "/v1/namespaces/" + name))
                                .header(
                                        "If-Match",
                                        current.headers().firstValue("ETag").orElseThrow())
                                .header("Content-Type", "application/json")
                                .PUT(HttpRequest.BodyPublishers.ofString(spec.toString()))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
    }
}
