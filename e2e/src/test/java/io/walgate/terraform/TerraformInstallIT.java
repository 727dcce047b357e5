package io.walgate.terraform;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.walgate.devstack.ServiceJars;
import io.walgate.e2e.FullStack;
import io.walgate.e2e.FullStackExtension;
import io.walgate.e2e.WalgateClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The README's path: {@code terraform/install}, then the quickstart as pasted, with {@code
 * terraform init} finding the provider in the local filesystem mirror offline and Terraform
 * launching it itself (go-plugin's handshake and mutual TLS, the launcher script, the jar).
 */
@ExtendWith(FullStackExtension.class)
class TerraformInstallIT {
    @Test
    void theInstalledProviderAppliesTheQuickstartAndItsNextPlanIsEmpty(FullStack stack) throws Exception {
        TerraformRunner.assumeInstalled();
        Path work = Path.of("target", "terraform-install-it").toAbsolutePath();
        TerraformIT.deleteRecursively(work);
        Path home = Files.createDirectories(work.resolve("home"));
        Path root = ServiceJars.checkoutRoot();

        ProcessBuilder install = new ProcessBuilder(
                        root.resolve("terraform/install").toString(), "--no-build")
                .redirectErrorStream(true)
                .redirectOutput(work.resolve("install.log").toFile());
        install.environment().put("HOME", home.toString());
        install.environment().remove("TF_PLUGIN_MIRROR");
        Process p = install.start();
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue())
                .as(Files.readString(work.resolve("install.log")))
                .isZero();
        String platform = "linux_" + (System.getProperty("os.arch").contains("aarch64") ? "arm64" : "amd64");
        assertThat(home.resolve(".terraform.d/plugins/registry.terraform.io/walgate/walgate/0.1.0/" + platform
                        + "/terraform-provider-walgate_v0.1.0"))
                .isExecutable();

        TerraformRunner tf = new TerraformRunner(work.resolve("quickstart"))
                .env("HOME", home.toString())
                .env("XDG_CACHE_HOME", work.resolve("cache").toString())
                .env("WALGATE_CONTROLLER_URL", stack.controllerUrl());
        Files.copy(
                root.resolve("terraform/examples/quickstart/main.tf"), tf.dir().resolve("main.tf"));

        TerraformRunner.Run init = tf.run("init");
        assertThat(init.exit()).as(init.all()).isZero();
        assertThat(init.out()).contains("Installing walgate/walgate v0.1.0");
        TerraformRunner.Run apply = tf.run("apply", "-auto-approve");
        assertThat(apply.exit()).as(apply.all()).isZero();
        assertThat(apply.out()).contains("status = \"READY\"");
        JsonNode ns =
                new ObjectMapper().readTree(WalgateClient.get(stack.controllerUrl() + "/v1/namespaces/tf-quickstart"));
        assertThat(ns.path("spec").path("target").path("type").asText()).isEqualToIgnoringCase("redis");

        TerraformRunner.Run plan = tf.run("plan", "-detailed-exitcode");
        assertThat(plan.exit()).as(plan.all()).isZero();
        TerraformRunner.Run destroy = tf.run("destroy", "-auto-approve");
        assertThat(destroy.exit()).as(destroy.all()).isZero();
    }
}
