package io.walgate.controller.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.walgate.controller.replay.ReplayJob;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;

/** Replay jobs as the API answers them. */
@ApplicationScoped
class ReplayViews {
    private final ObjectMapper json;

    ReplayViews(ObjectMapper json) {
        this.json = json;
    }

    /** A job just made: {@code 202} while it is to run, {@code 200} when it ended at once (dry run, nothing matched). */
    Response started(ReplayJob job) {
        return Response.status(job.state().live() ? Response.Status.ACCEPTED : Response.Status.OK)
                .entity(of(job))
                .build();
    }

    ReplayView of(ReplayJob j) {
        try {
            return new ReplayView(
                    j.id(),
                    j.namespace(),
                    j.kind().name(),
                    j.state().name(),
                    j.dryRun(),
                    j.ratePerSecond(),
                    json.readTree(j.request()),
                    j.matched(),
                    j.replayed(),
                    j.skipped(),
                    j.failed(),
                    j.actor(),
                    j.createdAt(),
                    j.startedAt(),
                    j.finishedAt(),
                    j.message());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("replay job " + j.id() + " has a request that does not read", e);
        }
    }
}
