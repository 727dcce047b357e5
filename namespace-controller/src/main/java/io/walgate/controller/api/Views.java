package io.walgate.controller.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.walgate.contract.namespace.SecretRefs;
import io.walgate.controller.SpecCodec;
import io.walgate.controller.store.AuditRow;
import io.walgate.controller.store.ChangeRow;
import io.walgate.controller.store.NamespaceRow;
import jakarta.enterprise.context.ApplicationScoped;

/** Stored rows to API views. */
@ApplicationScoped
class Views {
    private final SpecCodec codec;
    private final ObjectMapper json;

    Views(SpecCodec codec, ObjectMapper json) {
        this.codec = codec;
        this.json = json;
    }

    /**
     * A namespace as the API shows it: a credential in clear in a target URL (possible only in a spec
     * stored before references were required) is masked. The change feed keeps it: the services
     * connect with it.
     */
    NamespaceView of(NamespaceRow row) {
        return new NamespaceView(
                row.name,
                row.version,
                row.createdAt,
                row.updatedAt,
                row.updatedBy,
                SecretRefs.redacted(codec.spec(row.spec)),
                new NamespaceView.Status(row.phase, row.phaseReason, row.attempts, codec.resources(row.resources)));
    }

    ChangeView of(ChangeRow row) {
        return new ChangeView(row.version, row.name, row.kind, codec.spec(row.spec), row.changedAt, row.changedBy);
    }

    AuditView of(AuditRow row) {
        return new AuditView(row.at, row.actor, row.action, row.version, details(row.details));
    }

    private JsonNode details(String details) {
        if (details == null) {
            return null;
        }
        try {
            return json.readTree(details);
        } catch (JsonProcessingException e) {
            return json.getNodeFactory().textNode(details); // written by this service as JSON; never so
        }
    }
}
