package io.walgate.e2e;

import java.nio.file.Path;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives end-to-end tests the {@link FullStack}: declare a parameter of that type on a test,
 * lifecycle method or constructor of a class annotated with {@code @ExtendWith(FullStackExtension.class)}.
 *
 * <p>One stack serves the whole test JVM (starting it takes most of a minute, so every class
 * shares it): it starts on first use, with data under {@code target/e2e-stack}, and stops when the
 * JVM's last test is done.
 */
public final class FullStackExtension implements ParameterResolver {
    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == FullStack.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return shared(context);
    }

    /** Kept in the root context's store, which JUnit closes after the last test of the JVM. */
    private static FullStack shared(ExtensionContext context) {
        ExtensionContext.Store store =
                context.getRoot().getStore(ExtensionContext.Namespace.create(FullStackExtension.class));
        return store.computeIfAbsent("stack", key -> FullStack.start(Path.of("target", "e2e-stack")), FullStack.class);
    }
}
