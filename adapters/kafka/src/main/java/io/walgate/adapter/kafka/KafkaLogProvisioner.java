package io.walgate.adapter.kafka;

import io.walgate.adapter.spi.LogProvisioner;
import io.walgate.adapter.spi.LogResource;
import io.walgate.adapter.spi.ProvisioningException;
import io.walgate.contract.namespace.BackendType;
import io.walgate.contract.namespace.NamespaceSpec;
import io.walgate.contract.namespace.ResourceNames;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * A namespace on Kafka is its main topic, a {@code .dlq} topic and the delay tiers of {@link
 * KafkaDelayTiers}, all with the namespace's partition count (so that a key keeps its partition
 * number through delays and dead-lettering). Replication factor, {@code min.insync.replicas} and
 * retention come from {@link KafkaTopicSettings}, never from the broker's defaults ({@link
 * TopicConfigs}).
 */
final class KafkaLogProvisioner implements LogProvisioner {
    private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(30);

    private final Admin admin;
    private final KafkaTopicSettings settings;
    private final TopicConfigs configs;
    private final KafkaBacklog backlog;

    KafkaLogProvisioner(Admin admin, KafkaTopicSettings settings) {
        this.admin = admin;
        this.settings = settings;
        this.configs = new TopicConfigs(admin, settings);
        this.backlog = new KafkaBacklog(admin);
    }

    @Override
    public Optional<Duration> retention() {
        return settings.retention();
    }

    @Override
    public Map<String, Long> undelivered(NamespaceSpec namespace) {
        return backlog.undelivered(namespace);
    }

    @Override
    public BackendType backend() {
        return BackendType.KAFKA;
    }

    @Override
    public List<LogResource> plan(NamespaceSpec namespace) {
        String topic = namespace.backend().topic();
        Map<String, String> partitions =
                Map.of("partitions", Integer.toString(namespace.backend().partitions()));
        List<LogResource> plan = new ArrayList<>();
        plan.add(new LogResource(topic, LogResource.Role.LOG, partitions));
        plan.add(new LogResource(
                ResourceNames.deadLetterName(BackendType.KAFKA, topic), LogResource.Role.DEAD_LETTER, partitions));
        for (Duration tier : KafkaDelayTiers.TIERS) {
            plan.add(new LogResource(KafkaDelayTiers.topicName(topic, tier), LogResource.Role.DELAY_TIER, partitions));
        }
        return plan;
    }

    @Override
    public List<LogResource> reconcile(NamespaceSpec namespace) {
        int wanted = namespace.backend().partitions();
        List<LogResource> plan = plan(namespace);
        Map<String, Optional<TopicDescription>> current = describeTopics(plan);
        List<NewTopic> missing = new ArrayList<>();
        Map<String, NewPartitions> grow = new LinkedHashMap<>();
        Map<String, Integer> existingReplication = new LinkedHashMap<>();
        TopicConfigs.Replication replication = null;
        for (LogResource planned : plan) {
            Optional<TopicDescription> topic = current.get(planned.name());
            if (topic.isEmpty()) {
                replication = replication == null ? configs.replication() : replication;
                missing.add(new NewTopic(planned.name(), wanted, (short) replication.factor())
                        .configs(configs.wanted(planned.role(), replication, replication.factor())));
                continue;
            }
            existingReplication.put(planned.name(), TopicConfigs.replicationFactor(topic.get()));
            int has = topic.get().partitions().size();
            if (has < wanted) {
                grow.put(planned.name(), NewPartitions.increaseTo(wanted));
            } else if (has > wanted) {
                throw new ProvisioningException(
                        "topic " + planned.name() + " has " + has + " partitions and Kafka cannot shrink it to "
                                + wanted + "; set backend.partitions to " + has + " or more",
                        false);
            }
        }
        if (!existingReplication.isEmpty()) {
            // Retention and min.insync changed behind our back (or by a new setting) are restored.
            configs.restore(plan, existingReplication, replication == null ? configs.replication() : replication);
        }
        if (!missing.isEmpty()) {
            for (Map.Entry<String, KafkaFuture<Void>> created :
                    admin.createTopics(missing).values().entrySet()) {
                await(created.getValue(), "create topic " + created.getKey(), true);
            }
        }
        if (!grow.isEmpty()) {
            for (Map.Entry<String, KafkaFuture<Void>> grown :
                    admin.createPartitions(grow).values().entrySet()) {
                await(grown.getValue(), "add partitions to " + grown.getKey(), false);
            }
        }
        if (!missing.isEmpty() || !grow.isEmpty()) {
            awaitMetadata(plan(namespace), wanted);
            awaitLeaders(plan(namespace), wanted);
        }
        return describe(namespace);
    }

    /** Creations and new partitions reach the brokers' metadata a moment after they are accepted. */
    private void awaitMetadata(List<LogResource> plan, int partitions) {
        waitUntil(
                () -> describeTopics(plan).values().stream()
                        .allMatch(d -> d.isPresent() && d.get().partitions().size() == partitions),
                "topics of " + plan.get(0).name() + " are not visible with " + partitions + " partitions");
    }

    /**
     * A new partition is in the metadata a moment before its leader serves it, and an idempotent
     * producer that meets that moment can lose a batch (KAFKA-15591: its first request is refused
     * with NOT_LEADER_OR_FOLLOWER, a second one is accepted, the first then fails with
     * OUT_OF_ORDER_SEQUENCE_NUMBER until it expires; the writer sees UNKNOWN). So a log is ready
     * only when every partition's leader answers a ListOffsets, which it serves from the same
     * state as a produce; nothing is written to find out.
     */
    private void awaitLeaders(List<LogResource> plan, int partitions) {
        Map<TopicPartition, OffsetSpec> all = new LinkedHashMap<>();
        for (LogResource topic : plan) {
            for (int p = 0; p < partitions; p++) {
                all.put(new TopicPartition(topic.name(), p), OffsetSpec.latest());
            }
        }
        waitUntil(
                () -> {
                    try {
                        admin.listOffsets(all, new ListOffsetsOptions().timeoutMs(2000))
                                .all()
                                .get(3, TimeUnit.SECONDS);
                        return true;
                    } catch (ExecutionException | TimeoutException e) {
                        return false;
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new ProvisioningException("interrupted while waiting for partition leaders", true, e);
                    }
                },
                "partitions of " + plan.get(0).name() + " have no serving leader");
    }

    @Override
    public List<LogResource> describe(NamespaceSpec namespace) {
        List<LogResource> plan = plan(namespace);
        Map<String, Optional<TopicDescription>> current = describeTopics(plan);
        List<String> present = plan.stream()
                .map(LogResource::name)
                .filter(name -> current.get(name).isPresent())
                .toList();
        Map<String, Map<String, String>> topicConfigs = configs.read(present);
        List<LogResource> existing = new ArrayList<>();
        for (LogResource planned : plan) {
            current.get(planned.name()).ifPresent(d -> {
                Map<String, String> attributes = new LinkedHashMap<>();
                attributes.put("partitions", Integer.toString(d.partitions().size()));
                attributes.put("replicationFactor", Integer.toString(TopicConfigs.replicationFactor(d)));
                attributes.putAll(TopicConfigs.attributes(topicConfigs.getOrDefault(planned.name(), Map.of())));
                existing.add(new LogResource(planned.name(), planned.role(), attributes));
            });
        }
        return existing;
    }

    @Override
    public void delete(NamespaceSpec namespace) {
        List<LogResource> plan = plan(namespace);
        List<String> names = plan.stream().map(LogResource::name).toList();
        for (Map.Entry<String, KafkaFuture<Void>> deleted :
                admin.deleteTopics(names).topicNameValues().entrySet()) {
            try {
                deleted.getValue().get();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw failure("delete topic " + deleted.getKey(), e.getCause());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ProvisioningException("interrupted while deleting " + deleted.getKey(), true, e);
            }
        }
        awaitGone(plan);
    }

    /** Deletion completes on the brokers after the controller accepted it; wait for that. */
    private void awaitGone(List<LogResource> plan) {
        waitUntil(
                () -> describeTopics(plan).values().stream().noneMatch(Optional::isPresent),
                "topics of " + plan.get(0).name() + " still exist after their deletion was accepted");
    }

    private static void waitUntil(BooleanSupplier done, String failure) {
        long deadline = System.nanoTime() + METADATA_TIMEOUT.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new ProvisioningException(failure + " within " + METADATA_TIMEOUT.toSeconds() + " s", true);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ProvisioningException("interrupted: " + failure, true, e);
            }
        }
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
    }

    /** Each planned topic's description, or empty when it does not exist. */
    private Map<String, Optional<TopicDescription>> describeTopics(List<LogResource> plan) {
        List<String> names = plan.stream().map(LogResource::name).toList();
        Map<String, KafkaFuture<TopicDescription>> futures =
                admin.describeTopics(names).topicNameValues();
        Map<String, Optional<TopicDescription>> result = new LinkedHashMap<>();
        for (String name : names) {
            try {
                result.put(name, Optional.of(futures.get(name).get()));
            } catch (ExecutionException e) {
                if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                    result.put(name, Optional.empty());
                } else {
                    throw failure("describe topic " + name, e.getCause());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ProvisioningException("interrupted while describing " + name, true, e);
            }
        }
        return result;
    }

    private static void await(KafkaFuture<Void> future, String what, boolean existsIsFine) {
        try {
            future.get();
        } catch (ExecutionException e) {
            if (existsIsFine && e.getCause() instanceof TopicExistsException) {
                return; // created concurrently by another controller: the same outcome
            }
            throw failure(what, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProvisioningException("interrupted: " + what, true, e);
        }
    }

    static ProvisioningException failure(String what, Throwable cause) {
        boolean retryable = cause instanceof RetriableException;
        return new ProvisioningException("cannot " + what + ": " + cause.getMessage(), retryable, cause);
    }
}
