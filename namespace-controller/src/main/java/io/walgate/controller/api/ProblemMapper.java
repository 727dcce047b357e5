package io.walgate.controller.api;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.logging.Log;
import io.quarkus.security.AuthenticationFailedException;
import io.walgate.contract.ErrorCode;
import io.walgate.contract.Problem;
import io.walgate.contract.WalException;
import io.walgate.controller.NamespaceNotDrained;
import jakarta.inject.Inject;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.Map;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The one place where the controller's errors become HTTP responses: RFC 9457 problem+json with
 * a stable {@code code}. Bad input is never a 500; a 500 is logged, because it is a bug.
 */
public class ProblemMapper {
    @Inject
    ObjectMapper json;

    @ServerExceptionMapper
    public Response walException(WalException e, UriInfo uri) {
        if (e instanceof NamespaceNotDrained notDrained) {
            // The counts as data too, so that a client need not parse the message.
            Map<String, Object> body = json.convertValue(Problem.of(e, uri.getPath(), false), new TypeReference<>() {});
            body.put("undelivered", notDrained.undelivered());
            return Response.status(e.code().httpStatus())
                    .type(Problem.MEDIA_TYPE)
                    .entity(body)
                    .build();
        }
        return problem(e, uri);
    }

    @ServerExceptionMapper
    public Response authenticationFailed(AuthenticationFailedException e, UriInfo uri) {
        return problem(
                new WalException(ErrorCode.UNAUTHENTICATED, "the bearer token was refused: it is invalid or expired"),
                uri);
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e, UriInfo uri) {
        if (e instanceof NotFoundException) {
            return problem(new WalException(ErrorCode.MALFORMED_REQUEST, "no such path: " + uri.getPath()), uri, 404);
        }
        if (e instanceof NotAllowedException) {
            return problem(
                    new WalException(ErrorCode.MALFORMED_REQUEST, "this path does not take that method"), uri, 405);
        }
        if (e instanceof NotSupportedException) {
            return problem(new WalException(ErrorCode.MALFORMED_REQUEST, "send JSON"), uri, 415);
        }
        int status = e.getResponse().getStatus();
        if (status >= 500) {
            Log.errorf(e, "request %s failed", uri.getPath());
            return problem(new WalException(ErrorCode.INTERNAL, "internal error"), uri);
        }
        return problem(new WalException(ErrorCode.MALFORMED_REQUEST, e.getMessage()), uri, status);
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e, UriInfo uri) {
        Log.errorf(e, "request %s failed unexpectedly", uri.getPath());
        return problem(
                new WalException(ErrorCode.INTERNAL, "internal error; the controller's log has the details"), uri);
    }

    private static Response problem(WalException e, UriInfo uri) {
        return problem(e, uri, e.code().httpStatus());
    }

    private static Response problem(WalException e, UriInfo uri, int status) {
        Problem body = Problem.of(e, uri.getPath(), false);
        if (status != body.status()) {
            body = body.withStatus(status);
        }
        return Response.status(status).type(Problem.MEDIA_TYPE).entity(body).build();
    }
}
