package io.walgate.controller;

import io.smallrye.mutiny.Uni;
import io.walgate.contract.ErrorCode;
import io.walgate.contract.Violation;
import io.walgate.contract.WalException;
import io.walgate.contract.namespace.NamespaceSpec;
import io.walgate.contract.namespace.NamespaceSpecValidator;
import io.walgate.contract.namespace.NamespaceState;
import io.walgate.controller.provision.Provisioners;
import io.walgate.controller.store.ChangeKind;
import io.walgate.controller.store.NamespaceRow;
import io.walgate.controller.store.NamespaceStore;
import io.walgate.controller.store.Phase;
import io.walgate.controller.store.ResourceClaims;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The rules of changing namespaces: validation, optimistic concurrency, what may change after
 * creation, and what each change does to provisioning. Storage is {@link NamespaceStore}'s.
 */
@ApplicationScoped
public class NamespaceService {
    private final NamespaceStore store;
    private final SpecCodec codec;
    private final ChangeNotifier notifier;
    private final ControllerConfig config;
    private final Provisioners provisioners;

    NamespaceService(
            NamespaceStore store,
            SpecCodec codec,
            ChangeNotifier notifier,
            ControllerConfig config,
            Provisioners provisioners) {
        this.store = store;
        this.codec = codec;
        this.notifier = notifier;
        this.config = config;
        this.provisioners = provisioners;
    }

    public Uni<NamespaceRow> create(NamespaceSpec requested, String actor) {
        NamespaceSpec spec = validated(requested);
        return publish(store.change(spec.name(), actor, (current, version, now) -> {
            if (current.isPresent()) {
                boolean deleting = Phase.DELETING.name().equals(current.get().phase);
                throw new WalException(
                        ErrorCode.NAMESPACE_EXISTS,
                        "namespace '" + spec.name() + "' "
                                + (deleting ? "is still being deleted; create it again once that is done" : "exists"));
            }
            NamespaceRow row = new NamespaceRow();
            row.name = spec.name();
            row.createdAt = now;
            apply(row, spec);
            row.phase = Phase.PROVISIONING.name();
            row.nextAttemptAt = now;
            return Optional.of(
                    new NamespaceStore.Change(row, ChangeKind.CREATED, "CREATE", null, ResourceClaims.of(spec)));
        }));
    }

    public Uni<NamespaceRow> replace(String name, NamespaceSpec requested, String ifMatch, String actor) {
        if (requested.name() != null && !requested.name().equals(name)) {
            throw WalException.invalid(List.of(new Violation(
                    "name",
                    ErrorCode.INVALID_NAMESPACE_NAME,
                    "the body names '" + requested.name() + "' but the path '" + name + "'; names never change")));
        }
        NamespaceSpec spec = validated(requested.withName(name));
        if (ifMatch == null || ifMatch.isBlank()) {
            throw new WalException(
                    ErrorCode.PRECONDITION_REQUIRED,
                    "a replace needs If-Match with the version you read (the ETag of GET /v1/namespaces/" + name
                            + "), so that no one's change is lost");
        }
        return publish(store.change(name, actor, (current, version, now) -> {
            NamespaceRow row = live(current, name);
            checkVersion(row, ifMatch);
            NamespaceSpec before = codec.spec(row.spec);
            // A body without a state keeps the current one: applying a file must not resume a
            // namespace an operator paused.
            NamespaceSpec after = requested.state() == null ? spec.withState(before.state()) : spec;
            checkImmutable(before, after);
            if (before.equals(after)) {
                return Optional.empty(); // nothing to do: no new version, no feed entry
            }
            String beforeText = row.spec;
            apply(row, after);
            row.phase = Phase.PROVISIONING.name();
            row.phaseReason = null;
            row.attempts = 0;
            row.nextAttemptAt = now;
            return Optional.of(new NamespaceStore.Change(row, ChangeKind.UPDATED, "REPLACE", beforeText));
        }));
    }

    public Uni<NamespaceRow> setState(String name, NamespaceState target, String actor) {
        return publish(store.change(name, actor, (current, version, now) -> {
            NamespaceRow row = live(current, name);
            NamespaceSpec before = codec.spec(row.spec);
            if (before.state() == target) {
                return Optional.empty(); // pausing a paused namespace is not a change
            }
            String beforeText = row.spec;
            apply(row, before.withState(target));
            ChangeKind kind = target == NamespaceState.PAUSED ? ChangeKind.PAUSED : ChangeKind.RESUMED;
            return Optional.of(
                    new NamespaceStore.Change(row, kind, kind == ChangeKind.PAUSED ? "PAUSE" : "RESUME", beforeText));
        }));
    }

    public Uni<NamespaceRow> delete(String name, String ifMatch, String actor) {
        return publish(store.change(name, actor, (current, version, now) -> {
            NamespaceRow row = current.orElseThrow(() -> notFound(name));
            if (Phase.DELETING.name().equals(row.phase)) {
                return Optional.empty(); // already on its way out
            }
            if (ifMatch != null && !ifMatch.isBlank()) {
                checkVersion(row, ifMatch);
            }
            String beforeText = row.spec;
            apply(row, codec.spec(row.spec).withState(NamespaceState.DELETED));
            row.phase = Phase.DELETING.name();
            row.phaseReason = "resources are removed after a grace period of " + config.deleteGrace();
            row.attempts = 0;
            row.nextAttemptAt = now.plus(config.deleteGrace());
            return Optional.of(new NamespaceStore.Change(row, ChangeKind.DELETED, "DELETE", beforeText));
        }));
    }

    /** Tells long-polling change-feed readers once the change has committed. */
    private Uni<NamespaceRow> publish(Uni<NamespaceRow> change) {
        return change.invoke(row -> notifier.published(row.version));
    }

    private void apply(NamespaceRow row, NamespaceSpec spec) {
        row.shard = spec.shard();
        row.state = spec.state().name();
        row.spec = codec.write(spec);
    }

    /**
     * The spec as it would be stored: validated (all violations at once), with defaults filled in,
     * and with no wait longer than its backend keeps an entry ({@link RetentionRule}).
     */
    public NamespaceSpec validated(NamespaceSpec requested) {
        List<Violation> violations = NamespaceSpecValidator.validate(requested);
        if (!violations.isEmpty()) {
            throw WalException.invalid(violations);
        }
        NamespaceSpec spec = requested.withDefaults();
        List<Violation> tooLong = RetentionRule.check(
                spec, provisioners.forBackend(spec.backend().type()).retention());
        if (!tooLong.isEmpty()) {
            throw WalException.invalid(tooLong);
        }
        return spec;
    }

    private static NamespaceRow live(Optional<NamespaceRow> current, String name) {
        NamespaceRow row = current.orElseThrow(() -> notFound(name));
        if (Phase.DELETING.name().equals(row.phase)) {
            throw new WalException(ErrorCode.NAMESPACE_NOT_FOUND, "namespace '" + name + "' is being deleted");
        }
        return row;
    }

    private static WalException notFound(String name) {
        return new WalException(ErrorCode.NAMESPACE_NOT_FOUND, "no namespace '" + name + "'");
    }

    private static void checkVersion(NamespaceRow row, String ifMatch) {
        Optional<Long> wanted = ETags.parse(ifMatch);
        if (wanted.isPresent() && wanted.get() != row.version) {
            throw new WalException(
                    ErrorCode.VERSION_CONFLICT,
                    "namespace '" + row.name + "' is at version " + row.version + ", not " + wanted.get()
                            + ": someone changed it since you read it; read it again and reapply your change");
        }
    }

    /** Changing these would strand the entries and resources the namespace already has. */
    private static void checkImmutable(NamespaceSpec before, NamespaceSpec after) {
        List<Violation> violations = new ArrayList<>();
        if (before.backend().type() != after.backend().type()) {
            violations.add(new Violation(
                    "backend.type", ErrorCode.INVALID_BACKEND, "cannot change after creation; create a new namespace"));
        }
        if (!Objects.equals(before.backend().topic(), after.backend().topic())) {
            violations.add(new Violation(
                    "backend.topic",
                    ErrorCode.INVALID_RESOURCE_NAME,
                    "cannot change after creation (it is '" + before.backend().topic() + "')"));
        }
        Integer had = before.backend().partitions();
        Integer wants = after.backend().partitions();
        if (had != null && wants != null && wants < had) {
            violations.add(new Violation(
                    "backend.partitions",
                    ErrorCode.INVALID_PARTITIONS,
                    "can only grow: Kafka cannot shrink a topic from " + had + " to " + wants + " partitions"));
        }
        if (!violations.isEmpty()) {
            throw WalException.invalid(violations);
        }
    }
}
