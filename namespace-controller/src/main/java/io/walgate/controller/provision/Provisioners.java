package io.walgate.controller.provision;

import io.walgate.adapter.kafka.KafkaAdapters;
import io.walgate.adapter.spi.LogProvisioner;
import io.walgate.adapter.sqs.SqsAdapters;
import io.walgate.contract.namespace.BackendType;
import io.walgate.controller.ControllerConfig;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.sqs.SqsClient;

/** One {@link LogProvisioner} per backend, built lazily from configuration and closed at shutdown. */
@ApplicationScoped
public class Provisioners {
    private final ControllerConfig config;
    private final Map<BackendType, LogProvisioner> provisioners = new EnumMap<>(BackendType.class);
    private SqsClient sqs;

    Provisioners(ControllerConfig config) {
        this.config = config;
    }

    public synchronized LogProvisioner forBackend(BackendType type) {
        return provisioners.computeIfAbsent(type, this::create);
    }

    private LogProvisioner create(BackendType type) {
        return switch (type) {
            case KAFKA -> {
                Map<String, Object> admin = new HashMap<>(config.kafka().admin());
                admin.put("bootstrap.servers", config.kafka().bootstrapServers());
                yield KafkaAdapters.provisioner(admin);
            }
            case SQS -> {
                sqs = SqsAdapters.client(
                        config.sqs().endpoint().orElse(null), config.sqs().region(), credentials());
                yield SqsAdapters.provisioner(sqs);
            }
        };
    }

    private AwsCredentialsProvider credentials() {
        if (config.sqs().accessKeyId().isPresent()) {
            return StaticCredentialsProvider.create(AwsBasicCredentials.create(
                    config.sqs().accessKeyId().get(),
                    config.sqs().secretAccessKey().orElse("")));
        }
        return DefaultCredentialsProvider.builder().build();
    }

    @PreDestroy
    synchronized void close() {
        provisioners.values().forEach(LogProvisioner::close);
        if (sqs != null) {
            sqs.close();
        }
    }
}
