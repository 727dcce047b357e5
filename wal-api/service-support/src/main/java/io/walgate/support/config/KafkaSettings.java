package io.walgate.support.config;

import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/**
 * What every service's Kafka group has ({@code <service>.kafka.*}). Each service extends it with its
 * own map of extra client settings, under its own, unchanged name: the gateway's {@code producer},
 * the worker's {@code client}, the controller's {@code admin}.
 */
public interface KafkaSettings {
    @WithName(SettingNames.BOOTSTRAP_SERVERS)
    @WithDefault("127.0.0.1:9092")
    String bootstrapServers();
}
