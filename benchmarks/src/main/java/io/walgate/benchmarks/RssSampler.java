package io.walgate.benchmarks;

import io.walgate.devstack.JavaService;

/** The peak resident memory of a service (goal M1), sampled twice a second while benchmarks run. */
final class RssSampler implements AutoCloseable {
    private final Thread thread;
    private volatile long peakBytes;

    RssSampler(JavaService service) {
        thread = new Thread(
                () -> {
                    while (!Thread.currentThread().isInterrupted()) {
                        peakBytes = Math.max(peakBytes, service.residentBytes());
                        try {
                            Thread.sleep(500);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                },
                "bench-rss");
        thread.setDaemon(true);
        thread.start();
    }

    long peakBytes() {
        return peakBytes;
    }

    long peakMegabytes() {
        return peakBytes / (1024 * 1024);
    }

    @Override
    public void close() {
        thread.interrupt();
    }
}
