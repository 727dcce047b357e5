package io.walgate.controller.store;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A namespace as stored: its spec as JSON, its version, and where provisioning stands. */
@Entity
@Table(name = "namespaces")
public class NamespaceRow {
    @Id
    public String name;

    public String shard;
    public String state;
    public String spec;
    public long version;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "updated_at")
    public Instant updatedAt;

    @Column(name = "updated_by")
    public String updatedBy;

    public String phase;

    @Column(name = "phase_reason")
    public String phaseReason;

    public String resources;
    public int attempts;

    @Column(name = "next_attempt_at")
    public Instant nextAttemptAt;
}
