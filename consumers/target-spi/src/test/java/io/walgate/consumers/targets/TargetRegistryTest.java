package io.walgate.consumers.targets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.walgate.contract.entry.Envelope;
import io.walgate.contract.namespace.RegionTarget;
import io.walgate.contract.namespace.TargetType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TargetRegistryTest {

    /** A factory of {@code type} whose targets remember their region. */
    private record Fake(TargetType type, List<String> closed) implements TargetFactory {
        @Override
        public Target create(RegionTarget region, TargetContext context) {
            return new Target() {
                @Override
                public Applied apply(Envelope entry) {
                    return Applied.done();
                }

                @Override
                public void close() {}

                @Override
                public String toString() {
                    return type + " " + region.url() + " for " + context.namespace();
                }
            };
        }

        @Override
        public void close() {
            closed.add(type.name());
        }
    }

    private static final WorkerSecrets NO_SECRETS = new WorkerSecrets(Map.of(), Path.of("no-such-folder"));

    private final List<String> closed = new ArrayList<>();

    private List<TargetFactory> oneOfEach() {
        return Arrays.stream(TargetType.values())
                .map(t -> (TargetFactory) new Fake(t, closed))
                .toList();
    }

    @Test
    void eachTypeIsMadeByItsOwnFactoryAndClosingTheRegistryClosesThemAll() {
        TargetRegistry registry = new TargetRegistry(oneOfEach(), NO_SECRETS);

        Target redis = registry.create(
                TargetType.REDIS, new RegionTarget("redis://cache:6379", null), TargetContext.of("orders", "eu"));
        registry.close();

        assertThat(redis).hasToString("REDIS redis://cache:6379 for orders");
        assertThat(closed)
                .containsExactlyInAnyOrder(
                        Arrays.stream(TargetType.values()).map(Enum::name).toArray(String[]::new));
    }

    @Test
    void aTargetGetsTheSecretsItsUrlNamesFromTheEnvironmentOrTheSecretsFolder(@TempDir Path folder) throws Exception {
        Files.writeString(folder.resolve("cache"), "from-a-file\n");
        WorkerSecrets secrets = new WorkerSecrets(Map.of("WALGATE_SECRET_ORDERS_DB", "from-env"), folder);
        TargetRegistry registry = new TargetRegistry(oneOfEach(), secrets);

        Target pg = registry.create(
                TargetType.POSTGRES,
                new RegionTarget("postgresql://app:${secret:orders-db}@db/shop", null),
                TargetContext.of("orders", "eu"));
        Target redis = registry.create(
                TargetType.REDIS, new RegionTarget("redis://:${secret:cache}@h:1", null), TargetContext.of("c", "eu"));

        assertThat(pg).hasToString("POSTGRES postgresql://app:from-env@db/shop for orders");
        assertThat(redis).hasToString("REDIS redis://:from-a-file@h:1 for c");
        assertThatThrownBy(() -> registry.create(
                        TargetType.REDIS,
                        new RegionTarget("redis://:${secret:gone.pw}@h:1", null),
                        TargetContext.of("c", "eu")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no secret 'gone.pw'")
                .hasMessageContaining("WALGATE_SECRET_GONE_PW")
                .hasMessageContaining(folder.resolve("gone.pw").toString());
    }

    @Test
    void aTargetThatRefusesItsUrlIsReportedWithTheReferenceNotTheSecret(@TempDir Path folder) {
        List<TargetFactory> factories = new ArrayList<>(oneOfEach());
        factories.removeIf(f -> f.type() == TargetType.REDIS);
        factories.add(new TargetFactory() {
            @Override
            public TargetType type() {
                return TargetType.REDIS;
            }

            @Override
            public Target create(RegionTarget region, TargetContext context) {
                // As URI.create and Jedis do: the URL as given, in the message.
                throw new IllegalArgumentException("Illegal character in " + region.url());
            }
        });
        TargetRegistry registry =
                new TargetRegistry(factories, new WorkerSecrets(Map.of("WALGATE_SECRET_CACHE", "s3cr^t"), folder));

        assertThatThrownBy(() -> registry.create(
                        TargetType.REDIS,
                        new RegionTarget("redis://:${secret:cache}@h:1", null),
                        TargetContext.of("c", "eu")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("redis://:${secret:cache}@h:1")
                .hasMessageNotContaining("s3cr");
    }

    @Test
    void aTypeWithoutAFactoryIsNamedAtStart() {
        List<TargetFactory> some = List.of(new Fake(TargetType.HTTP, closed), new Fake(TargetType.REDIS, closed));

        assertThatThrownBy(() -> new TargetRegistry(some, NO_SECRETS))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("POSTGRES")
                .hasMessageContaining("KAFKA")
                .hasMessageContaining("WAL")
                .hasMessageNotContaining("HTTP");
    }

    @Test
    void twoFactoriesForOneTypeAreRefused() {
        List<TargetFactory> twice = new ArrayList<>(oneOfEach());
        twice.add(new Fake(TargetType.HTTP, closed));

        assertThatThrownBy(() -> new TargetRegistry(twice, NO_SECRETS))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("two factories for target type HTTP");
    }

    @Test
    void aDurationOptionThatIsNoneIsRefusedWithItsName() {
        RegionTarget region = new RegionTarget("http://h:1", Map.of("timeout", "ten seconds"));

        assertThat(RegionOptions.duration(new RegionTarget("http://h:1", null), "timeout", Duration.ofSeconds(10)))
                .isEqualTo(Duration.ofSeconds(10));
        assertThatThrownBy(() -> RegionOptions.duration(region, "timeout", Duration.ofSeconds(10)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("timeout");
    }
}
