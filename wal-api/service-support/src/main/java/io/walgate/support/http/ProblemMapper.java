package io.walgate.support.http;

import io.quarkus.security.AuthenticationFailedException;
import io.walgate.contract.Durability;
import io.walgate.contract.ErrorCode;
import io.walgate.contract.Problem;
import io.walgate.contract.WalException;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.concurrent.CompletionException;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The one place where a Walgate REST API's errors become HTTP responses: RFC 9457 problem+json with
 * a stable {@code code}, the same in every service. What a service adds of its own comes from its
 * {@link RestService}.
 *
 * <ol>
 *   <li>A {@link WalException} is its code's status, also when it arrives wrapped in a
 *       {@link CompletionException} (an asynchronous call that failed).
 *   <li>A refused bearer token is {@code 401 UNAUTHENTICATED}.
 *   <li>What JAX-RS refuses itself keeps its status, with {@code MALFORMED_REQUEST}: an unknown path
 *       404, a method the path does not take 405, a body that is not JSON 415.
 *   <li>Bad input is never a 500. A 500 is a bug: it is logged, {@code INTERNAL}, and on a write
 *       {@code durable: UNKNOWN} (whether the entry was written is not known).
 *   <li>On a call that writes entries ({@link RestService#writes}), every problem carries
 *       {@code durable}.
 * </ol>
 */
public class ProblemMapper {
    private static final Logger LOG = Logger.getLogger(ProblemMapper.class);

    /** For a service without a {@link RestService} (no REST API of its own): plain problems. */
    private static final RestService UNNAMED = () -> "service";

    @Inject
    Instance<RestService> services;

    private RestService service;

    /** For CDI, which injects the service. */
    ProblemMapper() {}

    /** For a test: the mapper of {@code service}. */
    ProblemMapper(RestService service) {
        this.service = service;
    }

    @ServerExceptionMapper
    public Response walException(WalException e, UriInfo uri) {
        return walException(e, uri.getPath());
    }

    @ServerExceptionMapper
    public Response completion(CompletionException e, UriInfo uri) {
        return completion(e, uri.getPath());
    }

    @ServerExceptionMapper
    public Response authenticationFailed(AuthenticationFailedException e, UriInfo uri) {
        return authenticationFailed(e, uri.getPath());
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e, UriInfo uri) {
        return webApplication(e, uri.getPath());
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e, UriInfo uri) {
        return unexpected(e, uri.getPath());
    }

    Response walException(WalException e, String path) {
        return problem(e, path, e.code().httpStatus());
    }

    Response completion(CompletionException e, String path) {
        if (e.getCause() instanceof WalException w) {
            return walException(w, path);
        }
        return unexpected(e.getCause() == null ? e : e.getCause(), path);
    }

    Response authenticationFailed(AuthenticationFailedException e, String path) {
        return walException(
                new WalException(ErrorCode.UNAUTHENTICATED, "the bearer token was refused: it is invalid or expired"),
                path);
    }

    Response webApplication(WebApplicationException e, String path) {
        int status = e.getResponse().getStatus();
        if (status >= 500) {
            return unexpected(e, path);
        }
        String detail;
        if (e instanceof NotFoundException) {
            detail = "no such path: " + path;
        } else if (e instanceof NotAllowedException) {
            detail = "this path does not take that method";
        } else if (e instanceof NotSupportedException) {
            detail = "send JSON";
        } else {
            detail = e.getMessage();
        }
        return problem(new WalException(ErrorCode.MALFORMED_REQUEST, detail), path, status);
    }

    Response unexpected(Throwable e, String path) {
        if (identityProviderDown(e)) {
            LOG.warnf(
                    "request %s: the identity provider cannot be reached to check its token: %s", path, e.getMessage());
            return walException(
                    new WalException(
                            ErrorCode.IDENTITY_PROVIDER_UNAVAILABLE,
                            "the identity provider that checks tokens cannot be reached; try again later"),
                    path);
        }
        LOG.errorf(e, "request %s failed unexpectedly", path);
        return walException(
                new WalException(
                        ErrorCode.INTERNAL,
                        "internal error; the " + service().name() + "'s log has the details",
                        Durability.UNKNOWN),
                path);
    }

    /**
     * Quarkus OIDC's failure to reach its server, by name: this module must not depend on OIDC,
     * which would pull it into the worker (a client only).
     */
    static boolean identityProviderDown(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getClass().getName().equals("io.quarkus.oidc.OIDCException")) {
                return true;
            }
        }
        return false;
    }

    private Response problem(WalException e, String path, int status) {
        RestService service = service();
        Problem body = Problem.of(e, path, service.writes(path));
        if (status != body.status()) {
            body = body.withStatus(status);
        }
        Response.ResponseBuilder response = Response.status(status).type(Problem.MEDIA_TYPE);
        return response.entity(service.complete(e, body, response)).build();
    }

    private RestService service() {
        if (service == null) {
            service = services != null && services.isResolvable() ? services.get() : UNNAMED;
        }
        return service;
    }
}
