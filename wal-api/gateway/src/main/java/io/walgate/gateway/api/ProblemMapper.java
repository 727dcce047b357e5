package io.walgate.gateway.api;

import io.quarkus.logging.Log;
import io.quarkus.security.AuthenticationFailedException;
import io.walgate.contract.Durability;
import io.walgate.contract.ErrorCode;
import io.walgate.contract.Problem;
import io.walgate.contract.WalException;
import io.walgate.gateway.core.WriteFailure;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.concurrent.CompletionException;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The one place where the gateway's errors become HTTP responses: problem+json with {@code code},
 * {@code durable} and, once issued, {@code entryId}; {@code Retry-After} when shed. Bad input is
 * never a 500 and never an ack.
 */
public class ProblemMapper {

    @ServerExceptionMapper
    public Response walException(WalException e, UriInfo uri) {
        return problem(e, uri);
    }

    @ServerExceptionMapper
    public Response completion(CompletionException e, UriInfo uri) {
        if (e.getCause() instanceof WalException w) {
            return problem(w, uri);
        }
        return unexpected(e.getCause() == null ? e : e.getCause(), uri);
    }

    @ServerExceptionMapper
    public Response authenticationFailed(AuthenticationFailedException e, UriInfo uri) {
        return problem(
                new WalException(ErrorCode.UNAUTHENTICATED, "the bearer token was refused: it is invalid or expired"),
                uri);
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e, UriInfo uri) {
        int status = e.getResponse().getStatus();
        if (status >= 500) {
            return unexpected(e, uri);
        }
        String detail = e instanceof NotFoundException
                ? "no such path: " + uri.getPath()
                : e instanceof NotAllowedException ? "this path does not take that method" : e.getMessage();
        Problem body = Problem.of(new WalException(ErrorCode.MALFORMED_REQUEST, detail), uri.getPath(), true)
                .withStatus(status);
        return Response.status(status).type(Problem.MEDIA_TYPE).entity(body).build();
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e, UriInfo uri) {
        Log.errorf(e, "request %s failed unexpectedly", uri.getPath());
        // A bug, not bad input; whether an entry was written is not known.
        return problem(
                new WalException(
                        ErrorCode.INTERNAL, "internal error; the gateway's log has the details", Durability.UNKNOWN),
                uri);
    }

    private static Response problem(WalException e, UriInfo uri) {
        Problem body = Problem.of(e, uri.getPath(), true);
        Response.ResponseBuilder response =
                Response.status(e.code().httpStatus()).type(Problem.MEDIA_TYPE);
        if (e instanceof WriteFailure f) {
            if (f.entryId() != null) {
                body = body.withEntryId(f.entryId().toString());
            }
            if (f.retryAfterMillis() > 0) {
                response.header("Retry-After", Math.max(1, (f.retryAfterMillis() + 999) / 1000));
            }
        }
        return response.entity(body).build();
    }
}
