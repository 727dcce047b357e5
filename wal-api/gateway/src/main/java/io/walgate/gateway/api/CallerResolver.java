package io.walgate.gateway.api;

import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.walgate.contract.namespace.Caller;
import io.walgate.support.security.Callers;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.concurrent.CompletionStage;

/** The caller of the current request ({@link Callers}), as the write path's futures take it. */
@ApplicationScoped
public class CallerResolver {
    private final Callers callers;

    CallerResolver(Callers callers) {
        this.callers = callers;
    }

    void announce(@Observes StartupEvent event) {
        if (!callers.authEnabled()) {
            Log.warn("AUTHENTICATION IS OFF (walgate.auth.enabled=false): anyone may write to every namespace."
                    + " Use this only on a developer machine.");
        }
    }

    /** The caller, once its token is verified; never blocks. */
    public CompletionStage<Caller> current() {
        return callers.current().subscribeAsCompletionStage();
    }
}
