package io.walgate.adapter.spi;

/**
 * Where the backend put an appended entry.
 *
 * @param resource the topic or queue it went to (a delay tier for a delayed entry on Kafka)
 * @param position {@code partition-offset} on Kafka, the message id on SQS
 */
public record AppendReceipt(String resource, String position) {}
