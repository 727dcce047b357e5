package io.walgate.worker;

import io.quarkus.logging.Log;
import io.walgate.adapter.kafka.KafkaAdapters;
import io.walgate.adapter.spi.LogReader;
import io.walgate.adapter.spi.Subscription;
import io.walgate.adapter.sqs.SqsAdapters;
import io.walgate.consumers.engine.Attempts;
import io.walgate.consumers.engine.DeadLetterIndex;
import io.walgate.consumers.engine.MutationLedger;
import io.walgate.consumers.engine.PayloadStore;
import io.walgate.consumers.engine.ReportedProgress;
import io.walgate.consumers.targets.TargetRegistry;
import io.walgate.contract.namespace.BackendType;
import io.walgate.contract.namespace.NamespaceSpec;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Starts the delivery of one namespace to this worker's region: the namespace's backend reads its
 * log ({@link LogReader}) and hands due entries to the engine ({@link Attempts}, with the
 * namespace's target from the {@link TargetRegistry}, in the {@link TargetContexts} of this worker).
 * Owns one reader per backend.
 */
final class Deliveries implements AutoCloseable {
    private final String region;
    private final Map<BackendType, LogReader> readers = new EnumMap<>(BackendType.class);
    private final TargetRegistry targets;
    private final TargetContexts contexts;

    private final SqsClient sqs;
    private final Supplier<PayloadStore> payloads;
    private final Supplier<MutationLedger> mutations;
    private final DeliveryMetrics metrics;
    private final DeadLetterIndex index;
    private final Clock clock = Clock.systemUTC();

    Deliveries(
            String region,
            Map<String, Object> kafka,
            WorkerConfig.Kafka kafkaDelivery,
            SqsClient sqs,
            int sqsWaitSeconds,
            Supplier<PayloadStore> payloads,
            Supplier<MutationLedger> mutations,
            DeadLetterIndex index,
            DeliveryMetrics metrics,
            TargetRegistry targets,
            TargetContexts contexts) {
        this.region = region;
        this.targets = targets;
        this.contexts = contexts;
        this.sqs = sqs;
        readers.put(
                BackendType.KAFKA,
                KafkaAdapters.reader(
                        kafka, kafkaDelivery.lanes(), kafkaDelivery.applyThreads(), kafkaDelivery.consumers()));
        try {
            readers.put(BackendType.SQS, SqsAdapters.reader(sqs, sqsWaitSeconds));
        } catch (RuntimeException e) {
            readers.get(BackendType.KAFKA).close();
            throw e;
        }
        this.payloads = payloads;
        this.mutations = mutations;
        this.index = index;
        this.metrics = metrics;
    }

    /** Starts delivering {@code spec}, which must have a target in this worker's region. */
    Subscription start(NamespaceSpec spec) {
        var events = metrics.forNamespace(spec.name(), region);
        return readers.get(spec.backend().type())
                .open(
                        spec,
                        region,
                        Attempts.perLane(spec, region, targets, contexts.of(spec), payloads, mutations, events, clock),
                        new ReportedProgress(spec.name() + " (" + region + ")", events, index, clock));
    }

    @Override
    public void close() {
        // Each in turn, whatever the one before threw: a shutdown must not leak the rest.
        List<AutoCloseable> owned = new ArrayList<>(readers.values());
        owned.add(targets);
        if (index != null) {
            owned.add(index);
        }
        owned.add(sqs);
        for (AutoCloseable c : owned) {
            try {
                c.close();
            } catch (Exception e) {
                Log.warnf("closing %s: %s", c.getClass().getSimpleName(), e.toString());
            }
        }
    }
}
