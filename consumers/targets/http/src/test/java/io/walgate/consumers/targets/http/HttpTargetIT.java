package io.walgate.consumers.targets.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.walgate.consumers.targets.Target;
import io.walgate.consumers.targets.Target.Applied;
import io.walgate.consumers.targets.TargetContext;
import io.walgate.consumers.targets.TargetContract;
import io.walgate.consumers.targets.TargetFactory;
import io.walgate.contract.entry.Envelope;
import io.walgate.contract.entry.TargetOp;
import io.walgate.contract.namespace.RegionTarget;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Against a real HTTP server (the JDK's) that keeps what it is sent: {@code PUT /apply/<key>}
 * stores the body, {@code DELETE} removes it, and anything under {@code /apply/refuse/} is a
 * {@code 400}.
 */
class HttpTargetIT extends TargetContract {
    private static HttpServer upstream;
    private static final Map<String, String> STORED = new ConcurrentHashMap<>();
    /** Released as the upstream stops: what a trickling answer waits for. */
    private static final CountDownLatch STOPPED = new CountDownLatch(1);

    @BeforeAll
    static void start() throws Exception {
        upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        upstream.setExecutor(Executors.newFixedThreadPool(8)); // one may be held by a trickling answer
        upstream.createContext("/apply/", exchange -> {
            String path = exchange.getRequestURI().getRawPath().substring("/apply/".length());
            byte[] body = exchange.getRequestBody().readAllBytes();
            int status = 204;
            if (path.startsWith("trickle/")) {
                // Headers and a first byte at once, the rest never: only a bound on the whole exchange ends it.
                exchange.sendResponseHeaders(200, 1000);
                OutputStream out = exchange.getResponseBody();
                out.write('x');
                out.flush();
                try {
                    STOPPED.await(1, TimeUnit.MINUTES); // held until the upstream stops
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                exchange.close();
                return;
            }
            if (path.startsWith("refuse/")) {
                status = 400;
            } else {
                String key = URLDecoder.decode(path, StandardCharsets.UTF_8);
                switch (exchange.getRequestMethod()) {
                    case "PUT" -> STORED.put(key, new String(body, StandardCharsets.UTF_8));
                    case "DELETE" -> STORED.remove(key);
                    default -> status = 405;
                }
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        upstream.start();
    }

    @AfterAll
    static void stop() {
        STOPPED.countDown();
        upstream.stop(0);
    }

    @Override
    protected TargetFactory factory() {
        return new HttpTargetFactory();
    }

    @Override
    protected RegionTarget region() {
        return new RegionTarget(
                "http://127.0.0.1:" + upstream.getAddress().getPort() + "/apply", Map.of("timeout", "PT5S"));
    }

    @Override
    protected RegionTarget unreachableRegion() {
        return new RegionTarget("http://127.0.0.1:1/apply", Map.of("timeout", "PT5S"));
    }

    @Override
    protected Optional<Envelope> refusedForGood(String key) {
        return Optional.of(write(key, "v", TargetOp.PUT, null, Map.of("path", "refuse")));
    }

    @Override
    protected Optional<String> readBack(String key) {
        return Optional.ofNullable(STORED.get(key));
    }

    @Test
    void aPathAndAKeyStayPathSegmentsWhateverTheirCharacters() throws Exception {
        try (TargetFactory factory = factory();
                Target target = factory.create(region(), TargetContext.of("contract", "local"))) {
            String key = "k?x=1#" + System.nanoTime();
            assertThat(target.apply(write(key, "v", TargetOp.PUT, null, Map.of("path", "a?b#c/d e"))))
                    .isInstanceOf(Target.Applied.Done.class);

            // Unencoded, "?" began a query and "#" a fragment: the request went to /apply/a.
            assertThat(STORED).containsEntry("a?b#c/d e/" + key, "v");
        }
    }

    @Test
    void aRegionsOwnPathIsUsedWhereAnEntryGivesNoneAndAnEntrysPathReplacesIt() throws Exception {
        String key = "k" + System.nanoTime();
        try (TargetFactory factory = factory();
                Target target = factory.create(
                        new RegionTarget(region().url(), Map.of("path", "/orders/")),
                        TargetContext.of("contract", "local"))) {
            assertThat(target.apply(write(key, "own", TargetOp.PUT, null, Map.of())))
                    .isInstanceOf(Target.Applied.Done.class);
            assertThat(target.apply(write(key, "other", TargetOp.PUT, null, Map.of("path", "archive"))))
                    .isInstanceOf(Target.Applied.Done.class);
        }
        assertThat(STORED).containsEntry("orders/" + key, "own").containsEntry("archive/" + key, "other");
    }

    @Test
    void anEntryWhosePathWouldClimbOutOfItsCollectionIsRefusedForGoodAndNothingIsSent() throws Exception {
        STORED.put("parent", "kept");
        try (TargetFactory factory = factory();
                Target target = factory.create(region(), TargetContext.of("contract", "local"))) {
            // "/apply/parent/.." is "/apply" to many servers: a DELETE of the whole collection.
            Target.Applied dotKey = target.apply(write("..", null, TargetOp.DELETE, null, Map.of("path", "parent")));
            Target.Applied dotPath = target.apply(write("k", "v", TargetOp.PUT, null, Map.of("path", "x/../parent")));

            assertThat(List.of(dotKey, dotPath))
                    .allSatisfy(applied -> assertThat(applied)
                            .isInstanceOfSatisfying(Target.Applied.Failed.class, f -> {
                                assertThat(f.transientFailure()).isFalse();
                                assertThat(f.code()).isEqualTo("HTTP_BAD_PATH");
                            }));
            assertThat(STORED).containsEntry("parent", "kept").doesNotContainKey("parent/k");
        }
    }

    @Test
    void aHundredNamespacesOfOneWorkerCostOneHttpClientNotAHundred() throws Exception {
        long before = selectorThreads();
        try (TargetFactory factory = factory()) {
            List<Target> targets = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                Target target = factory.create(region(), TargetContext.of("ns-" + i, "local"));
                targets.add(target);
                String key = "shared-" + i;
                assertThat(target.apply(write(key, "v", TargetOp.PUT, null))).isInstanceOf(Applied.Done.class);
            }
            assertThat(selectorThreads() - before)
                    .as("each HttpClient runs a selector thread of its own")
                    .isLessThanOrEqualTo(1);
            for (Target target : targets) {
                target.close();
            }
        }
    }

    @Test
    void anUpstreamThatTricklesItsAnswerIsCutOffAtTheTimeoutAsATransientFailure() throws Exception {
        try (TargetFactory factory = factory()) {
            Target target = factory.create(
                    new RegionTarget(region().url(), Map.of("timeout", "PT0.5S")), TargetContext.of("ns", "local"));
            Applied applied = target.apply(write("slow", "v", TargetOp.PUT, null, Map.of("path", "trickle")));
            assertThat(applied).isInstanceOf(Applied.Failed.class);
            Applied.Failed failed = (Applied.Failed) applied;
            assertThat(failed.transientFailure()).isTrue();
            assertThat(failed.code()).isEqualTo("HTTP_TIMEOUT");
            assertThat(Thread.currentThread().isInterrupted()).isFalse();
        }
    }

    @Test
    void batchesStartNoThreadPerResponse() throws Exception {
        try (TargetFactory factory = factory()) {
            Target target = factory.create(region(), TargetContext.of("ns", "local"));
            long before = ManagementFactory.getThreadMXBean().getTotalStartedThreadCount();
            for (int batch = 0; batch < 5; batch++) {
                List<Envelope> entries = new ArrayList<>();
                for (int i = 0; i < 100; i++) {
                    entries.add(write("batch-" + batch + "-" + i, "v", TargetOp.PUT, null));
                }
                assertThat(target.applyAll(entries)).allMatch(a -> a instanceof Applied.Done);
            }
            long started = ManagementFactory.getThreadMXBean().getTotalStartedThreadCount() - before;
            assertThat(started)
                    .as("threads started for 500 responses: the lanes' pool and the client's, not one per response")
                    .isLessThan(100);
        }
    }

    private static long selectorThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().contains("SelectorManager"))
                .count();
    }
}
