package io.walgate.support.config;

import static io.walgate.support.config.SettingNames.BOOTSTRAP_SERVERS;
import static io.walgate.support.config.SettingNames.CLIENT_ID;
import static io.walgate.support.config.SettingNames.CONTROLLER_AUTH;
import static io.walgate.support.config.SettingNames.GATEWAY;
import static io.walgate.support.config.SettingNames.KAFKA;
import static io.walgate.support.config.SettingNames.WORKER;
import static io.walgate.support.config.SettingNames.key;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SettingNamesTest {

    @Test
    void aKeyIsItsPartsJoinedByDots() {
        assertThat(key(GATEWAY, KAFKA, BOOTSTRAP_SERVERS)).isEqualTo("walgate.gateway.kafka.bootstrap-servers");
        assertThat(key(WORKER, CONTROLLER_AUTH, CLIENT_ID)).isEqualTo("walgate.worker.controller-auth.client-id");
    }
}
