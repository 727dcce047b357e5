package io.walgate.terraform;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import io.grpc.stub.StreamObserver;
import io.walgate.terraform.proto.ProviderGrpc;
import io.walgate.terraform.proto.Tfplugin6.ApplyResourceChange;
import io.walgate.terraform.proto.Tfplugin6.ConfigureProvider;
import io.walgate.terraform.proto.Tfplugin6.DynamicValue;
import io.walgate.terraform.proto.Tfplugin6.GetProviderSchema;
import io.walgate.terraform.proto.Tfplugin6.ImportResourceState;
import io.walgate.terraform.proto.Tfplugin6.PlanResourceChange;
import io.walgate.terraform.proto.Tfplugin6.ReadDataSource;
import io.walgate.terraform.proto.Tfplugin6.ReadResource;
import io.walgate.terraform.proto.Tfplugin6.ServerCapabilities;
import io.walgate.terraform.proto.Tfplugin6.StopProvider;
import io.walgate.terraform.proto.Tfplugin6.UpgradeResourceState;
import io.walgate.terraform.proto.Tfplugin6.ValidateDataResourceConfig;
import io.walgate.terraform.proto.Tfplugin6.ValidateProviderConfig;
import io.walgate.terraform.proto.Tfplugin6.ValidateResourceConfig;
import java.io.IOException;
import java.util.Map;
import java.util.function.Function;

/**
 * Terraform's calls, answered. Every call ends in a response: a refusal of the controller, an
 * unreachable controller or a bug of the provider's own is a diagnostic there (Terraform shows a
 * gRPC error as a plugin crash, with a Go stack trace).
 */
final class ProviderService extends ProviderGrpc.ProviderImplBase {
    private final Function<String, String> env;
    private volatile ControllerClient controller;

    ProviderService(Function<String, String> env) {
        this.env = env;
    }

    @Override
    public void getProviderSchema(GetProviderSchema.Request request, StreamObserver<GetProviderSchema.Response> out) {
        reply(
                out,
                GetProviderSchema.Response.newBuilder()
                        .setProvider(Attr.schema(0, "Walgate's namespace controller.", Schemas.PROVIDER))
                        .putResourceSchemas(
                                Schemas.NAMESPACE,
                                Attr.schema(0, "A Walgate namespace: its log, delivery and target.", Schemas.RESOURCE))
                        .putDataSourceSchemas(
                                Schemas.NAMESPACE,
                                Attr.schema(0, "One Walgate namespace, read by name.", Schemas.DATA_NAMESPACE))
                        .putDataSourceSchemas(
                                Schemas.NAMESPACES,
                                Attr.schema(0, "The namespaces these credentials may read.", Schemas.DATA_NAMESPACES))
                        .setServerCapabilities(ServerCapabilities.newBuilder().setGetProviderSchemaOptional(true))
                        .build());
    }

    @Override
    public void validateProviderConfig(
            ValidateProviderConfig.Request request, StreamObserver<ValidateProviderConfig.Response> out) {
        Diags diags = new Diags();
        guard(diags, () -> {
            Map<?, ?> config = decode(Schemas.PROVIDER_TYPE, request.getConfig());
            if (config != null && !Unknown.within(config)) {
                ProviderSettings.of(config, env).check(diags);
            }
        });
        reply(
                out,
                ValidateProviderConfig.Response.newBuilder()
                        .addAllDiagnostics(diags.list())
                        .build());
    }

    @Override
    public void configureProvider(ConfigureProvider.Request request, StreamObserver<ConfigureProvider.Response> out) {
        Diags diags = new Diags();
        guard(diags, () -> {
            Map<?, ?> config = decode(Schemas.PROVIDER_TYPE, request.getConfig());
            if (config != null && Unknown.within(config)) {
                // Falling back to the environment would plan against another controller.
                diags.error(
                        "Walgate provider settings not known yet",
                        "endpoint, token, client_id, client_secret and token_url must be known at plan time (not"
                                + " computed by a resource that does not exist yet)",
                        null);
                return;
            }
            ProviderSettings settings = ProviderSettings.of(config, env);
            settings.check(diags);
            if (!diags.hasErrors()) {
                controller = settings.client();
            }
        });
        reply(
                out,
                ConfigureProvider.Response.newBuilder()
                        .addAllDiagnostics(diags.list())
                        .build());
    }

    @Override
    public void validateResourceConfig(
            ValidateResourceConfig.Request request, StreamObserver<ValidateResourceConfig.Response> out) {
        Diags diags = new Diags();
        guard(
                diags,
                () -> ConfigChecks.durations(Schemas.SPEC, decode(Schemas.RESOURCE_TYPE, request.getConfig()), diags));
        reply(
                out,
                ValidateResourceConfig.Response.newBuilder()
                        .addAllDiagnostics(diags.list())
                        .build());
    }

    @Override
    public void validateDataResourceConfig(
            ValidateDataResourceConfig.Request request, StreamObserver<ValidateDataResourceConfig.Response> out) {
        Diags diags = new Diags();
        guard(diags, () -> {
            if (Schemas.NAMESPACE.equals(request.getTypeName())) {
                Map<?, ?> config = decode(Schemas.DATA_NAMESPACE_TYPE, request.getConfig());
                Object name = config == null ? null : config.get("name");
                if (name instanceof String n && !NamespaceResource.validName(n)) {
                    diags.error(
                            "Invalid namespace name",
                            "name: '" + n + "' is no namespace name (1-64 of a-z, 0-9, '_' and '-')",
                            Diags.path("name"));
                }
            }
        });
        reply(
                out,
                ValidateDataResourceConfig.Response.newBuilder()
                        .addAllDiagnostics(diags.list())
                        .build());
    }

    @Override
    public void upgradeResourceState(
            UpgradeResourceState.Request request, StreamObserver<UpgradeResourceState.Response> out) {
        Diags diags = new Diags();
        UpgradeResourceState.Response.Builder response = UpgradeResourceState.Response.newBuilder();
        guard(diags, () -> {
            JsonNode json = ControllerClient.JSON.readTree(
                    request.getRawState().getJson().toByteArray());
            response.setUpgradedState(encode(Schemas.RESOURCE_TYPE, Values.fromJsonValue(Schemas.RESOURCE_TYPE, json)));
        });
        reply(out, response.addAllDiagnostics(diags.list()).build());
    }

    @Override
    public void readResource(ReadResource.Request request, StreamObserver<ReadResource.Response> out) {
        Diags diags = new Diags();
        ReadResource.Response.Builder response =
                ReadResource.Response.newBuilder().setNewState(request.getCurrentState());
        guard(diags, () -> {
            Map<?, ?> prior = decode(Schemas.RESOURCE_TYPE, request.getCurrentState());
            response.setNewState(encode(Schemas.RESOURCE_TYPE, NamespaceResource.read(controller(), prior)));
        });
        reply(out, response.addAllDiagnostics(diags.list()).build());
    }

    @Override
    public void planResourceChange(
            PlanResourceChange.Request request, StreamObserver<PlanResourceChange.Response> out) {
        Diags diags = new Diags();
        PlanResourceChange.Response.Builder response =
                PlanResourceChange.Response.newBuilder().setPlannedState(request.getProposedNewState());
        guard(diags, () -> {
            Map<?, ?> prior = decode(Schemas.RESOURCE_TYPE, request.getPriorState());
            Map<?, ?> proposed = decode(Schemas.RESOURCE_TYPE, request.getProposedNewState());
            Map<?, ?> config = proposed == null ? null : decode(Schemas.RESOURCE_TYPE, request.getConfig());
            NamespacePlan.Result plan = NamespacePlan.plan(controller(), prior, config);
            diags.list().addAll(plan.diags().list());
            if (!plan.diags().hasErrors()) {
                response.setPlannedState(encode(Schemas.RESOURCE_TYPE, plan.planned()))
                        .addAllRequiresReplace(plan.requiresReplace());
            }
        });
        reply(out, response.addAllDiagnostics(diags.list()).build());
    }

    @Override
    public void applyResourceChange(
            ApplyResourceChange.Request request, StreamObserver<ApplyResourceChange.Response> out) {
        Diags diags = new Diags();
        ApplyResourceChange.Response.Builder response =
                ApplyResourceChange.Response.newBuilder().setNewState(request.getPriorState());
        guard(diags, () -> {
            Map<?, ?> prior = decode(Schemas.RESOURCE_TYPE, request.getPriorState());
            Map<?, ?> planned = decode(Schemas.RESOURCE_TYPE, request.getPlannedState());
            response.setNewState(
                    encode(Schemas.RESOURCE_TYPE, NamespaceResource.apply(controller(), prior, planned, diags)));
        });
        reply(out, response.addAllDiagnostics(diags.list()).build());
    }

    @Override
    public void importResourceState(
            ImportResourceState.Request request, StreamObserver<ImportResourceState.Response> out) {
        Diags diags = new Diags();
        ImportResourceState.Response.Builder response = ImportResourceState.Response.newBuilder();
        guard(diags, () -> {
            Map<String, Object> state = NamespaceResource.importByName(controller(), request.getId(), diags);
            if (state != null) {
                response.addImportedResources(ImportResourceState.ImportedResource.newBuilder()
                        .setTypeName(Schemas.NAMESPACE)
                        .setState(encode(Schemas.RESOURCE_TYPE, state)));
            }
        });
        reply(out, response.addAllDiagnostics(diags.list()).build());
    }

    @Override
    public void readDataSource(ReadDataSource.Request request, StreamObserver<ReadDataSource.Response> out) {
        Diags diags = new Diags();
        ReadDataSource.Response.Builder response = ReadDataSource.Response.newBuilder();
        guard(diags, () -> {
            if (Schemas.NAMESPACES.equals(request.getTypeName())) {
                Map<?, ?> config = decode(Schemas.DATA_NAMESPACES_TYPE, request.getConfig());
                response.setState(encode(Schemas.DATA_NAMESPACES_TYPE, NamespaceData.namespaces(controller(), config)));
            } else {
                Map<?, ?> config = decode(Schemas.DATA_NAMESPACE_TYPE, request.getConfig());
                Map<String, Object> state = NamespaceData.namespace(controller(), config, diags);
                if (state != null) {
                    response.setState(encode(Schemas.DATA_NAMESPACE_TYPE, state));
                }
            }
        });
        reply(out, response.addAllDiagnostics(diags.list()).build());
    }

    @Override
    public void stopProvider(StopProvider.Request request, StreamObserver<StopProvider.Response> out) {
        NamespaceResource.stop();
        reply(out, StopProvider.Response.getDefaultInstance());
    }

    private ControllerClient controller() {
        ControllerClient c = controller;
        if (c == null) {
            // Terraform configures the provider before any call that needs it; a data source read
            // during validation can come first, with the defaults and environment.
            c = ProviderSettings.of(Map.of(), env).client();
            controller = c;
        }
        return c;
    }

    interface Step {
        void run() throws IOException;
    }

    private static void guard(Diags diags, Step step) {
        try {
            step.run();
        } catch (ControllerProblem p) {
            diags.problem("calling the controller", p);
        } catch (IOException | RuntimeException e) {
            diags.error(
                    "Walgate provider error",
                    "the provider failed (" + e.getClass().getSimpleName() + ": " + e.getMessage()
                            + "); this is a bug of terraform-provider-walgate, please report it",
                    null);
        }
    }

    private static Map<?, ?> decode(TfType type, DynamicValue value) {
        if (!value.getJson().isEmpty()) {
            try {
                return (Map<?, ?>) Values.fromJsonValue(
                        type, ControllerClient.JSON.readTree(value.getJson().toByteArray()));
            } catch (IOException e) {
                throw new IllegalArgumentException("unreadable JSON value", e);
            }
        }
        return (Map<?, ?>) Msgpack.decode(type, value.getMsgpack().toByteArray());
    }

    private static DynamicValue encode(TfType type, Object value) {
        return DynamicValue.newBuilder()
                .setMsgpack(ByteString.copyFrom(Msgpack.encode(type, value)))
                .build();
    }

    private static <T> void reply(StreamObserver<T> out, T response) {
        out.onNext(response);
        out.onCompleted();
    }
}
