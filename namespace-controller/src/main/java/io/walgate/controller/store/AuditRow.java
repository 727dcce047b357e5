package io.walgate.controller.store;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** One line of the audit log: who did what to which namespace, with the spec before and after. */
@Entity
@Table(name = "audit_log")
public class AuditRow {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    public Instant at;
    public String actor;
    public String action;
    public String name;
    public Long version;

    @Column(name = "before_spec")
    public String beforeSpec;

    @Column(name = "after_spec")
    public String afterSpec;

    /** What an action on dead letters did, as JSON; null for spec changes. */
    public String details;
}
