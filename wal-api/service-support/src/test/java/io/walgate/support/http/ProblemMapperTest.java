package io.walgate.support.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.security.AuthenticationFailedException;
import io.walgate.contract.Durability;
import io.walgate.contract.ErrorCode;
import io.walgate.contract.Problem;
import io.walgate.contract.WalException;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.InternalServerErrorException;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** Every exception a REST call can end in, and the problem+json it becomes. */
class ProblemMapperTest {
    /** An admin API: writes nothing. */
    private static final RestService ADMIN = () -> "controller";

    /** A write API whose own exception carries a retry hint. */
    private static final RestService WRITES = new RestService() {
        @Override
        public String name() {
            return "gateway";
        }

        @Override
        public boolean writes(String path) {
            return path.endsWith("/entries");
        }

        @Override
        public Object complete(WalException e, Problem problem, Response.ResponseBuilder response) {
            if (e.code() == ErrorCode.OVERLOADED) {
                response.header("Retry-After", 1);
                return problem.withEntryId("the-entry");
            }
            return problem;
        }
    };

    private static final String ENTRIES = "/v1/namespaces/orders/entries";

    private final ProblemMapper admin = new ProblemMapper(ADMIN);
    private final ProblemMapper writes = new ProblemMapper(WRITES);

    @Test
    void aWalExceptionIsItsCodesStatusWithTheCodeAndTheDetail() {
        Response response = admin.walException(
                new WalException(ErrorCode.NAMESPACE_NOT_FOUND, "no namespace 'x'"), "/v1/namespaces/x");

        Problem problem = problem(response, 404);
        assertThat(problem.code()).isEqualTo(ErrorCode.NAMESPACE_NOT_FOUND);
        assertThat(problem.type()).isEqualTo("urn:walgate:problem:NAMESPACE_NOT_FOUND");
        assertThat(problem.detail()).isEqualTo("no namespace 'x'");
        assertThat(problem.instance()).isEqualTo("/v1/namespaces/x");
        assertThat(problem.durable()).as("not a write call").isNull();
    }

    @Test
    void aWalExceptionFromAnAsynchronousCallIsMappedAsIfThrownDirectly() {
        Response response = admin.completion(
                new CompletionException(new WalException(ErrorCode.NAMESPACE_NOT_FOUND, "gone")), "/v1/namespaces/x");

        assertThat(problem(response, 404).code()).isEqualTo(ErrorCode.NAMESPACE_NOT_FOUND);
    }

    @Test
    void anyOtherFailureOfAnAsynchronousCallIsAnInternalErrorThatNamesTheServicesLog() {
        Response response = admin.completion(new CompletionException(new IllegalStateException("bug")), "/v1/x");

        Problem problem = problem(response, 500);
        assertThat(problem.code()).isEqualTo(ErrorCode.INTERNAL);
        assertThat(problem.detail()).isEqualTo("internal error; the controller's log has the details");
    }

    @Test
    void aRefusedBearerTokenIsUnauthenticated() {
        Response response = admin.authenticationFailed(new AuthenticationFailedException(), "/v1/namespaces");

        assertThat(problem(response, 401).code()).isEqualTo(ErrorCode.UNAUTHENTICATED);
    }

    @Test
    void whatJaxRsRefusesKeepsItsStatusAsAMalformedRequest() {
        Problem unknownPath = problem(admin.webApplication(new NotFoundException(), "/v2/nothing"), 404);
        Problem wrongMethod = problem(admin.webApplication(new NotAllowedException("GET"), "/v1/namespaces"), 405);
        Problem notJson = problem(admin.webApplication(new NotSupportedException(), "/v1/namespaces"), 415);
        Problem otherwiseBad = problem(admin.webApplication(new BadRequestException("bad"), "/v1/namespaces"), 400);

        assertThat(unknownPath.detail()).isEqualTo("no such path: /v2/nothing");
        assertThat(wrongMethod.detail()).isEqualTo("this path does not take that method");
        assertThat(notJson.detail()).isEqualTo("send JSON");
        assertThat(otherwiseBad.detail()).isEqualTo("bad");
        assertThat(List.of(unknownPath, wrongMethod, notJson, otherwiseBad))
                .allSatisfy(p -> assertThat(p.code()).isEqualTo(ErrorCode.MALFORMED_REQUEST));
    }

    @Test
    void aServerErrorFromJaxRsIsAnInternalErrorNotItsOwnText() {
        Response response = admin.webApplication(new InternalServerErrorException("stack details"), "/v1/x");

        Problem problem = problem(response, 500);
        assertThat(problem.code()).isEqualTo(ErrorCode.INTERNAL);
        assertThat(problem.detail()).doesNotContain("stack details");
    }

    @Test
    void aBugOnAWriteCallIsInternalWithDurabilityUnknown() {
        Problem problem = problem(writes.unexpected(new NullPointerException(), ENTRIES), 500);

        assertThat(problem.code()).isEqualTo(ErrorCode.INTERNAL);
        assertThat(problem.durable()).isEqualTo(Durability.UNKNOWN);
        assertThat(problem.detail()).isEqualTo("internal error; the gateway's log has the details");
    }

    @Test
    void everyProblemOfAWriteCallSaysWhetherTheEntryIsDurable() {
        Problem refused =
                problem(writes.walException(new WalException(ErrorCode.MALFORMED_REQUEST, "no"), ENTRIES), 400);
        Problem unknownPath = problem(writes.webApplication(new NotFoundException(), ENTRIES), 404);
        Problem elsewhere = problem(writes.webApplication(new NotFoundException(), "/q/nothing"), 404);

        assertThat(refused.durable()).isEqualTo(Durability.FALSE);
        assertThat(unknownPath.durable()).isEqualTo(Durability.FALSE);
        assertThat(elsewhere.durable()).as("not a write call").isNull();
    }

    @Test
    void theServiceCompletesItsOwnProblemsHowEverTheyArrive() {
        WalException shed = new WalException(ErrorCode.OVERLOADED, "busy", Durability.FALSE);

        for (Response response : List.of(
                writes.walException(shed, ENTRIES), writes.completion(new CompletionException(shed), ENTRIES))) {
            assertThat(problem(response, 503).entryId()).isEqualTo("the-entry");
            assertThat(response.getHeaderString("Retry-After")).isEqualTo("1");
        }
    }

    @Test
    void withoutARestServiceProblemsArePlain() {
        Problem problem = problem(new ProblemMapper().unexpected(new IllegalStateException(), ENTRIES), 500);

        assertThat(problem.durable()).isNull();
        assertThat(problem.detail()).isEqualTo("internal error; the service's log has the details");
    }

    private static Problem problem(Response response, int status) {
        assertThat(response.getStatus()).isEqualTo(status);
        assertThat(response.getMediaType()).hasToString(Problem.MEDIA_TYPE);
        assertThat(response.getEntity()).isInstanceOf(Problem.class);
        Problem problem = (Problem) response.getEntity();
        assertThat(problem.status()).as("the body's status is the response's").isEqualTo(status);
        return problem;
    }
}
