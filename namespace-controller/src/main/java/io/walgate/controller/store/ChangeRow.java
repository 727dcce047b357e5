package io.walgate.controller.store;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** One entry of the change feed. */
@Entity
@Table(name = "namespace_changes")
public class ChangeRow {
    @Id
    public long version;

    public String name;
    public String kind;
    public String spec;

    @Column(name = "changed_at")
    public Instant changedAt;

    @Column(name = "changed_by")
    public String changedBy;
}
