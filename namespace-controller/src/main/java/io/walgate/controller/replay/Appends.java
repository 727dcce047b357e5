package io.walgate.controller.replay;

import io.walgate.adapter.spi.AppendException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** What both kinds of replay do with the appends of a batch, and with a batch that failed. */
final class Appends {
    /** Longer than the Kafka appender's own bound (delivery timeout plus one re-send). */
    static final Duration WAIT = Duration.ofSeconds(60);

    static final int MAX_FAILED_BATCHES = 6;

    private Appends() {}

    /** Null once {@code append} is durable; why it is not otherwise. */
    static String failure(CompletableFuture<?> append) throws InterruptedException {
        try {
            append.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            return null;
        } catch (ExecutionException e) {
            return e.getCause() instanceof AppendException a ? a.getMessage() : String.valueOf(e.getCause());
        } catch (TimeoutException e) {
            return "no answer from the log within " + WAIT;
        }
    }

    /**
     * After the {@code failedBatches}-th failed batch in a row: a pause of 2, 4, … 32 s, or, at
     * {@link #MAX_FAILED_BATCHES}, the job's end as FAILED.
     *
     * @return false when the work must stop
     */
    static boolean backOff(JobLease lease, int failedBatches, String failure) {
        if (failedBatches >= MAX_FAILED_BATCHES) {
            lease.finish(ReplayJob.State.FAILED, "failed " + failedBatches + " times in a row, the last: " + failure);
            return false;
        }
        return lease.await(Duration.ofSeconds(1L << failedBatches));
    }
}
