package io.walgate.devstack;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Map;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives integration tests real servers: declare a parameter of type {@link KafkaServer}, {@link
 * SqsServer}, {@link PostgresServer}, {@link RedisServer}, {@link KeycloakServer} or {@link
 * Devstack} on a test, lifecycle method or constructor of a class annotated with {@code
 * @ExtendWith(DevstackExtension.class)}.
 *
 * <pre>{@code
 * @ExtendWith(DevstackExtension.class)
 * class KafkaLogAppenderIT {
 *     @Test
 *     void appendsAreReadBackInOrder(KafkaServer kafka) { ... kafka.bootstrapServers() ... }
 * }
 * }</pre>
 *
 * <p>One devstack serves a whole test JVM: each server starts on first use, on free ports, with
 * data under {@code target/devstack}, and stops when the JVM's tests are done. Tests that kill a
 * server build their own {@link Devstack} so that they do not pull it from under the others.
 */
public final class DevstackExtension implements ParameterResolver {
    private static final Map<Class<?>, Component> TYPES = Map.of(
            KafkaServer.class, Component.KAFKA,
            SqsServer.class, Component.SQS,
            PostgresServer.class, Component.POSTGRES,
            RedisServer.class, Component.REDIS,
            KeycloakServer.class, Component.KEYCLOAK);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == Devstack.class || TYPES.containsKey(type);
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        Devstack devstack = shared(context);
        if (type == Devstack.class) {
            return devstack;
        }
        ManagedServer server = devstack.server(TYPES.get(type));
        server.start();
        return server;
    }

    /** The devstack of this test JVM, built on first use and closed after its last test. */
    private static Devstack shared(ExtensionContext context) {
        ExtensionContext.Store store =
                context.getRoot().getStore(ExtensionContext.Namespace.create(DevstackExtension.class));
        return store.computeIfAbsent(
                        "devstack",
                        key -> new Shared(Devstack.builder(Path.of("target", "devstack"))
                                .with(EnumSet.allOf(Component.class))
                                .randomPorts()
                                .fresh()
                                .build()),
                        Shared.class)
                .devstack;
    }

    /** Closed by JUnit when the root context closes, i.e. after the last test of the JVM. */
    private record Shared(Devstack devstack) implements AutoCloseable {
        @Override
        public void close() {
            devstack.close();
        }
    }
}
