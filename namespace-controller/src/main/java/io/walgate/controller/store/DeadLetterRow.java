package io.walgate.controller.store;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** One dead letter in the index: who, why, when, and where its DLQ holds it (V3__dead_letters.sql). */
@Entity
@Table(name = "dead_letters")
public class DeadLetterRow {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    public String namespace;
    public String region;

    @Column(name = "entry_id")
    public String entryId;

    @Column(name = "partition_key")
    public String partitionKey;

    @Column(name = "target_key")
    public String targetKey;

    @Column(name = "first_error_code")
    public String firstErrorCode;

    @Column(name = "first_error_message")
    public String firstErrorMessage;

    @Column(name = "error_code")
    public String errorCode;

    @Column(name = "error_message")
    public String errorMessage;

    public int attempts;

    @Column(name = "accepted_at")
    public Instant acceptedAt;

    @Column(name = "dead_at")
    public Instant deadAt;

    public String dlq;

    @Column(name = "dlq_partition")
    public Integer dlqPartition;

    @Column(name = "dlq_offset")
    public Long dlqOffset;

    @Column(name = "message_id")
    public String messageId;

    /** {@code DEAD}, or {@code DISCARDED} by an operator. */
    public String state;

    @Column(name = "discarded_at")
    public Instant discardedAt;

    @Column(name = "discarded_by")
    public String discardedBy;

    @Column(name = "discard_reason")
    public String discardReason;
}
