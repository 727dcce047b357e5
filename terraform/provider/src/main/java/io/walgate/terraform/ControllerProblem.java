package io.walgate.terraform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;

/**
 * The controller refused a call (its problem+json: status, stable code, detail, the violations
 * with their fields), or could not be asked at all ({@code status} 0). Turned into Terraform
 * diagnostics at the provider's edge, never into a gRPC error.
 */
final class ControllerProblem extends RuntimeException {
    private final int status;
    private final String code;
    private final JsonNode body;

    ControllerProblem(int status, String code, String message, JsonNode body) {
        super(message);
        this.status = status;
        this.code = code;
        this.body = body == null ? MissingNode.getInstance() : body;
    }

    static ControllerProblem unreachable(String what, String endpoint, Exception cause) {
        String reason = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        return new ControllerProblem(
                0,
                "CONTROLLER_UNREACHABLE",
                "cannot reach the Walgate controller at " + endpoint + " to " + what + " (" + reason
                        + "); check the provider's endpoint (or WALGATE_CONTROLLER_URL) and that the controller"
                        + " is running",
                null);
    }

    int status() {
        return status;
    }

    String code() {
        return code;
    }

    /** The whole problem document (violations, undelivered counts …), or a missing node. */
    JsonNode body() {
        return body;
    }
}
