package io.walgate.terraform;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DiagsTest {
    @Test
    void aControllerFieldNamesTheAttributeTerraformShows() {
        assertThat(Diags.attributeName("retry.maxAttempts")).isEqualTo("retry.max_attempts");
        assertThat(Diags.attributeName("target.regions.us-east-1.url")).isEqualTo("target.regions[\"us-east-1\"].url");
        assertThat(Diags.attributeName("target.regions.eu.options.ttl"))
                .isEqualTo("target.regions[\"eu\"].options[\"ttl\"]");
        assertThat(Diags.attributeName("target.allow.table[1]")).isEqualTo("target.allow[\"table\"][1]");
        assertThat(Diags.attributeName("access.writers[0]")).isEqualTo("access.writers[0]");
        assertThat(Diags.attributeName("limits.dedupWindow")).isEqualTo("limits.dedup_window");
    }
}
