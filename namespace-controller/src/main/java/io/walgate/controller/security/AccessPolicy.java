package io.walgate.controller.security;

import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.walgate.contract.ErrorCode;
import io.walgate.contract.WalException;
import io.walgate.contract.namespace.Caller;
import io.walgate.contract.namespace.NamespaceSpec;
import io.walgate.controller.ControllerConfig;
import io.walgate.support.security.Callers;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Who may do what on the controller, in one place, answering with Walgate's codes.
 *
 * <ol>
 *   <li>The admin role may do everything.
 *   <li>A namespace's writers and operators ({@code access}) may read it; its operators may also read
 *       its audit log, pause and resume it.
 *   <li>Nobody else learns that it exists: it is {@code 404 NAMESPACE_NOT_FOUND} to them, word for
 *       word what a missing one is, and the list leaves it out.
 *   <li>The change feed (every spec) is for the services: the feed role, or the admin.
 *   <li>Authentication comes first: a call without a valid token is {@code 401} whatever its
 *       parameters.
 * </ol>
 */
@ApplicationScoped
public class AccessPolicy {
    private final Callers callers;
    private final ControllerConfig config;

    AccessPolicy(Callers callers, ControllerConfig config) {
        this.callers = callers;
        this.config = config;
    }

    void announce(@Observes StartupEvent event) {
        if (!callers.authEnabled()) {
            Log.warn("AUTHENTICATION IS OFF (walgate.auth.enabled=false): every caller may create, change and"
                    + " delete namespaces. Use this only on a developer machine.");
        }
    }

    /** Any authenticated caller. */
    public Uni<Caller> caller() {
        return callers.current();
    }

    /** A caller with the admin role. */
    public Uni<Caller> admin() {
        return callers.current().map(caller -> {
            if (!isAdmin(caller)) {
                throw new WalException(
                        ErrorCode.FORBIDDEN,
                        caller.name() + " may not change namespaces: that needs the role " + config.adminRole());
            }
            return caller;
        });
    }

    /** A caller that may follow the change feed: the feed role, or the admin. */
    public Uni<Caller> feedReader() {
        return callers.current().map(caller -> {
            if (!isAdmin(caller) && !caller.hasRole(config.feedRole())) {
                throw new WalException(
                        ErrorCode.FORBIDDEN,
                        caller.name() + " may not follow the change feed: that needs the role " + config.feedRole());
            }
            return caller;
        });
    }

    public boolean isAdmin(Caller caller) {
        return caller.hasRole(config.adminRole());
    }

    /** Whether {@code caller} may know that {@code spec}'s namespace exists, and read it. */
    public boolean sees(Caller caller, NamespaceSpec spec) {
        return isAdmin(caller) || spec.access().admitsAnyRole(caller);
    }

    /**
     * Refuses, as if it were missing, a namespace {@code caller} may not see.
     *
     * @throws WalException NAMESPACE_NOT_FOUND, the store's very answer for a missing one
     */
    public void mustSee(Caller caller, NamespaceSpec spec) {
        if (!sees(caller, spec)) {
            throw notFound(spec.name());
        }
    }

    /** Refuses a caller that may not pause, resume or read the audit log of {@code spec}'s namespace. */
    public void mustOperate(Caller caller, NamespaceSpec spec) {
        mustSee(caller, spec);
        if (!isAdmin(caller) && !spec.access().admitsOperator(caller)) {
            throw new WalException(
                    ErrorCode.FORBIDDEN,
                    caller.name() + " may not operate '" + spec.name() + "': it is not in access.operators");
        }
    }

    /** What a missing namespace is answered with; the store uses it too, so that both read the same. */
    public static WalException notFound(String name) {
        return new WalException(ErrorCode.NAMESPACE_NOT_FOUND, "no namespace '" + name + "'");
    }
}
