package io.walgate.gateway;

import io.walgate.contract.entry.Envelope;
import io.walgate.contract.entry.EnvelopeCodec;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

/** Reads a topic from the start, as a worker would, and decodes the envelopes. */
final class LogReader {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private LogReader() {}

    /** The envelopes on {@code topic} that {@code wanted} accepts, once {@code count} were found or time ran out. */
    static List<Envelope> read(String topic, int count, Predicate<Envelope> wanted) {
        return GatewayDevstack.devstack()
                .kafka()
                .topics()
                .find(topic, r -> wanted.test(decode(r.value())), count, TIMEOUT)
                .stream()
                .map(r -> decode(r.value()))
                .toList();
    }

    /** Every envelope on {@code topic} that {@code wanted} accepts, read up to the current end of the topic. */
    static List<Envelope> readAll(String topic, Predicate<Envelope> wanted) {
        return GatewayDevstack.devstack().kafka().topics().toEnd(topic, TIMEOUT).stream()
                .map(r -> decode(r.value()))
                .filter(wanted)
                .toList();
    }

    private static Envelope decode(byte[] value) {
        return EnvelopeCodec.decode(value);
    }
}
