package io.walgate.contract;

/**
 * The closed set of error codes Walgate answers with, on every API and protocol.
 *
 * <p>The constant's name is the wire contract (REST problem {@code code}, gRPC trailer, CLI
 * output): never rename or remove one, only add. Each code carries its HTTP status and the name
 * of its gRPC status code, so that exactly one mapper per protocol can turn a {@link
 * WalException} into a response without looking at message text.
 */
public enum ErrorCode {
    // --- the request itself -------------------------------------------------------------
    /** The body is not well-formed JSON or protobuf, or a value has the wrong type. */
    MALFORMED_REQUEST(400, "INVALID_ARGUMENT"),
    /** The request names a field the API does not know; refused rather than ignored. */
    UNKNOWN_FIELD(400, "INVALID_ARGUMENT"),
    /** A required field is missing. */
    MISSING_FIELD(400, "INVALID_ARGUMENT"),
    /** A duration or timestamp is not ISO-8601. */
    INVALID_DURATION(400, "INVALID_ARGUMENT"),

    // --- writes --------------------------------------------------------------------------
    /** Negative or too long a delay, both delay and deliverAt, a deliverAt beyond maxDelay. */
    INVALID_LIFECYCLE(400, "INVALID_ARGUMENT"),
    /** The payload is not valid base64, or both payload and json are given. */
    INVALID_PAYLOAD(400, "INVALID_ARGUMENT"),
    /** The payload is larger than the namespace's maxPayloadBytes. */
    PAYLOAD_TOO_LARGE(413, "INVALID_ARGUMENT"),
    /** A partition key, target key or idempotency key is too long or not printable. */
    INVALID_KEY(400, "INVALID_ARGUMENT"),
    /** A header name is not allowed (reserved prefix, bad characters) or headers are too big. */
    INVALID_HEADER(400, "INVALID_ARGUMENT"),
    /** The entry's target override does not fit the namespace's target. */
    INVALID_TARGET(400, "INVALID_ARGUMENT"),
    /** A batch holds more entries than the gateway accepts in one call. */
    BATCH_TOO_LARGE(413, "INVALID_ARGUMENT"),
    /** A mutation ({@code MutateItems}) without items. */
    EMPTY_MUTATION(400, "INVALID_ARGUMENT"),
    /**
     * A mutation with more items than the namespace's {@code limits.maxMutationItems}, or more
     * payload bytes than its {@code limits.maxMutationBytes}; nothing is stored.
     */
    MUTATION_TOO_LARGE(413, "INVALID_ARGUMENT"),

    // --- namespaces ----------------------------------------------------------------------
    NAMESPACE_NOT_FOUND(404, "NOT_FOUND"),
    /** Writes are refused while a namespace is paused; delivery is stopped too. */
    NAMESPACE_PAUSED(409, "FAILED_PRECONDITION"),
    NAMESPACE_EXISTS(409, "ALREADY_EXISTS"),
    /**
     * A topic or queue the namespace would get (its log, DLQ or a delay tier) is another
     * namespace's, or collides with one as the backend compares names; the message names the owner.
     */
    RESOURCE_NAME_TAKEN(409, "ALREADY_EXISTS"),
    /**
     * A delete of a namespace whose log still holds entries its targets have not had; the message
     * and the problem's {@code undelivered} give the count per region. {@code ?force=true} drops them.
     */
    NAMESPACE_NOT_DRAINED(409, "FAILED_PRECONDITION"),
    /** This deployment serves another shard; the message names the right one. */
    WRONG_SHARD(421, "FAILED_PRECONDITION"),
    /** The If-Match version is not the current one: somebody else changed it first. */
    VERSION_CONFLICT(412, "ABORTED"),
    /** A replace without If-Match: refused so that no update is lost silently. */
    PRECONDITION_REQUIRED(428, "FAILED_PRECONDITION"),
    ENTRY_NOT_FOUND(404, "NOT_FOUND"),
    /** No dead letter of that entry in the namespace's index (never dead-lettered, or discarded). */
    DEAD_LETTER_NOT_FOUND(404, "NOT_FOUND"),
    /** No mutation of that id in the namespace (never made, or past its retention). */
    MUTATION_NOT_FOUND(404, "NOT_FOUND"),
    /** No replay job of that id in the namespace. */
    REPLAY_NOT_FOUND(404, "NOT_FOUND"),
    /** The namespace has a replay job that has not ended; the message names it. One at a time. */
    REPLAY_IN_PROGRESS(409, "FAILED_PRECONDITION"),
    /** The replay job has ended: it can no longer be paused, resumed or cancelled. */
    REPLAY_ENDED(409, "FAILED_PRECONDITION"),
    /** A replay's rate is below 1 or above the controller's ceiling; the message says the ceiling. */
    INVALID_RATE(400, "INVALID_ARGUMENT"),
    /** A time range that ends before it begins ({@code since} after {@code until}, {@code from} after {@code to}). */
    INVALID_TIME_RANGE(400, "INVALID_ARGUMENT"),
    /** The namespace's backend cannot do this: a log replay needs a log that keeps history (Kafka). */
    UNSUPPORTED_FOR_BACKEND(422, "FAILED_PRECONDITION"),
    /** The idempotency key was used for a different request inside the dedup window. */
    IDEMPOTENCY_KEY_REUSED(422, "INVALID_ARGUMENT"),
    /**
     * A write with this idempotency key is in flight right now (on this or another gateway); retry
     * after the hint. Durability UNKNOWN: that write may still land.
     */
    IDEMPOTENCY_IN_PROGRESS(409, "ABORTED"),

    // --- namespace spec validation (one code per rule family; each comes with a field path) ---
    INVALID_NAMESPACE_NAME(422, "INVALID_ARGUMENT"),
    INVALID_SHARD(422, "INVALID_ARGUMENT"),
    INVALID_OWNER(422, "INVALID_ARGUMENT"),
    INVALID_STATE(422, "INVALID_ARGUMENT"),
    INVALID_BACKEND(422, "INVALID_ARGUMENT"),
    INVALID_PARTITIONS(422, "INVALID_ARGUMENT"),
    INVALID_RESOURCE_NAME(422, "INVALID_ARGUMENT"),
    INVALID_MAX_DELAY(422, "INVALID_ARGUMENT"),
    INVALID_MAX_ATTEMPTS(422, "INVALID_ARGUMENT"),
    INVALID_BACKOFF(422, "INVALID_ARGUMENT"),
    INVALID_MULTIPLIER(422, "INVALID_ARGUMENT"),
    INVALID_TARGET_TYPE(422, "INVALID_ARGUMENT"),
    INVALID_REGION(422, "INVALID_ARGUMENT"),
    INVALID_TARGET_URL(422, "INVALID_ARGUMENT"),
    /** A region's target option (ttl, timeout) is out of its range. */
    INVALID_TARGET_OPTION(422, "INVALID_ARGUMENT"),
    INVALID_PAYLOAD_LIMIT(422, "INVALID_ARGUMENT"),
    INVALID_RATE_LIMIT(422, "INVALID_ARGUMENT"),
    INVALID_DEDUP_WINDOW(422, "INVALID_ARGUMENT"),
    /** {@code limits.maxMutationItems} or {@code limits.maxMutationBytes} out of range. */
    INVALID_MUTATION_LIMIT(422, "INVALID_ARGUMENT"),
    INVALID_ACCESS(422, "INVALID_ARGUMENT"),

    // --- who is calling ------------------------------------------------------------------
    UNAUTHENTICATED(401, "UNAUTHENTICATED"),
    FORBIDDEN(403, "PERMISSION_DENIED"),
    /**
     * An entry's target option (a table, topic, remote namespace or path) is one the namespace's
     * {@code target.allow} does not grant: a writer may not steer its entries out of its namespace.
     */
    TARGET_NOT_ALLOWED(403, "PERMISSION_DENIED"),
    /**
     * The identity provider that checks tokens (Keycloak) cannot be reached, so a bearer token can
     * be neither accepted nor refused: try again later. Not the caller's fault, and no 500.
     */
    IDENTITY_PROVIDER_UNAVAILABLE(503, "UNAVAILABLE"),

    // --- overload ------------------------------------------------------------------------
    /** The namespace's writesPerSecond is used up; retry after the hinted time. */
    RATE_LIMITED(429, "RESOURCE_EXHAUSTED"),
    /** The gateway's global in-flight limit is reached; shed before latency collapses. */
    OVERLOADED(503, "RESOURCE_EXHAUSTED"),

    // --- the log behind us ---------------------------------------------------------------
    /** The backend refused or could not be reached before the send: not written. */
    BACKEND_UNAVAILABLE(503, "UNAVAILABLE"),
    /** The backend did not answer after the send: the entry may or may not be written. */
    BACKEND_TIMEOUT(504, "DEADLINE_EXCEEDED"),

    /** A bug on our side. Never used for bad input. */
    INTERNAL(500, "INTERNAL");

    private final int httpStatus;
    private final String grpcStatus;

    ErrorCode(int httpStatus, String grpcStatus) {
        this.httpStatus = httpStatus;
        this.grpcStatus = grpcStatus;
    }

    /** The HTTP status a REST API answers this code with. */
    public int httpStatus() {
        return httpStatus;
    }

    /** The name of the {@code Status.Code} a gRPC API answers this code with. */
    public String grpcStatus() {
        return grpcStatus;
    }

    /** True for codes that describe the caller's input, as opposed to our or the backend's state. */
    public boolean isClientError() {
        return httpStatus >= 400 && httpStatus < 500;
    }
}
