package io.walgate.controller.api;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.walgate.contract.Problem;
import io.walgate.contract.WalException;
import io.walgate.controller.NamespaceNotDrained;
import io.walgate.support.http.HttpLayerProblems;
import io.walgate.support.http.ProblemMapper;
import io.walgate.support.http.RestService;
import io.walgate.support.json.JsonCustomizer;
import jakarta.inject.Singleton;
import jakarta.ws.rs.core.Response;
import java.util.Map;

/**
 * The controller's REST API as the shared HTTP parts see it ({@link ProblemMapper},
 * {@link HttpLayerProblems}, {@link JsonCustomizer}): an admin API of small bodies that writes no
 * entries. Its one problem of its own: a namespace that is not drained says how much is left.
 */
@Singleton
public class ControllerRestApi implements RestService {
    private final ObjectMapper json;

    ControllerRestApi(ObjectMapper json) {
        this.json = json;
    }

    @Override
    public String name() {
        return "controller";
    }

    @Override
    public Object complete(WalException e, Problem problem, Response.ResponseBuilder response) {
        if (e instanceof NamespaceNotDrained notDrained) {
            // The counts as data too, so that a client need not parse the message.
            Map<String, Object> body = json.convertValue(problem, new TypeReference<>() {});
            body.put("undelivered", notDrained.undelivered());
            return body;
        }
        return problem;
    }
}
