package io.walgate.adapter.kafka;

import io.walgate.adapter.spi.LogProvisioner;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/** Entry point of the Kafka backend: builds its SPI implementations. */
public final class KafkaAdapters {
    private KafkaAdapters() {}

    /**
     * A provisioner talking to the cluster that {@code adminConfig} describes (at least {@code
     * bootstrap.servers}). Calls time out after {@code default.api.timeout.ms} (default here 15 s).
     */
    public static LogProvisioner provisioner(Map<String, Object> adminConfig) {
        Map<String, Object> config = new HashMap<>(adminConfig);
        config.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000);
        config.putIfAbsent(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        config.putIfAbsent(AdminClientConfig.CLIENT_ID_CONFIG, "walgate-provisioner");
        return new KafkaLogProvisioner(Admin.create(config));
    }
}
