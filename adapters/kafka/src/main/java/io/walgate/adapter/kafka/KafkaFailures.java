package io.walgate.adapter.kafka;

import io.walgate.adapter.spi.AppendException;
import io.walgate.contract.Durability;
import io.walgate.contract.ErrorCode;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;

/**
 * What a failed send means for the entry ({@code LogAppender}'s guarantee 6: FALSE only when
 * certain).
 *
 * <ul>
 *   <li>A failure raised inside {@code send()}, before the record reached the producer's
 *       accumulator (serialization, a full buffer, {@code max.block.ms} spent waiting for the
 *       metadata of a topic that does not exist, authorization checked on that metadata, a closed
 *       producer): nothing was sent, so FALSE.
 *   <li>After that the record may have been in a request the broker wrote before the answer was
 *       lost, and an idempotent producer may have sent it more than once. Only refusals that every
 *       attempt of the same bytes to the same topic gets are FALSE: too large, an invalid topic.
 *       Everything else (an expired batch, {@code OUT_OF_ORDER_SEQUENCE_NUMBER}, a fenced producer,
 *       a producer closed with the batch in flight, network errors, authorization revoked between
 *       two attempts, errors this list does not know) is UNKNOWN.
 * </ul>
 */
final class KafkaFailures {
    private KafkaFailures() {}

    /** @param beforeAccumulator the failure was raised inside {@code send()}, before the record was queued */
    static AppendException classify(String topic, Throwable error, boolean beforeAccumulator) {
        if (error instanceof RecordTooLargeException || error instanceof RecordBatchTooLargeException) {
            return new AppendException(
                    ErrorCode.PAYLOAD_TOO_LARGE,
                    Durability.FALSE,
                    "the entry is larger than " + topic + " accepts",
                    error);
        }
        if (beforeAccumulator) {
            return new AppendException(
                    ErrorCode.BACKEND_UNAVAILABLE,
                    Durability.FALSE,
                    "cannot send to " + topic + " (nothing was sent): " + error.getMessage(),
                    error);
        }
        if (error instanceof InvalidTopicException) {
            return new AppendException(
                    ErrorCode.BACKEND_UNAVAILABLE,
                    Durability.FALSE,
                    "Kafka refused the write to " + topic + ": " + error.getMessage(),
                    error);
        }
        if (error instanceof TimeoutException) {
            return new AppendException(
                    ErrorCode.BACKEND_TIMEOUT,
                    Durability.UNKNOWN,
                    "Kafka did not confirm the write to " + topic + " in time; it may or may not be in the log",
                    error);
        }
        return new AppendException(
                ErrorCode.BACKEND_UNAVAILABLE,
                Durability.UNKNOWN,
                "Kafka failed the write to " + topic + " after it may have been sent; it may or may not be in the log: "
                        + error.getMessage(),
                error);
    }

    /**
     * KAFKA-15591: an idempotent producer's first batch to a partition whose leader is not serving
     * yet can be refused with NOT_LEADER_OR_FOLLOWER, overtaken by the next batch, and then answered
     * OUT_OF_ORDER_SEQUENCE_NUMBER until it expires. Sending the same record again once is cheap and
     * usually lands; a plain broker outage ends in a second expiry and UNKNOWN, as before.
     */
    static boolean worthResending(Throwable error) {
        return error instanceof OutOfOrderSequenceException || error instanceof TimeoutException;
    }
}
