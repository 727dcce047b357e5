package io.walgate.consumers.targets;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * HTTP calls for targets that use the JDK's {@link HttpClient}, each bounded as a whole.
 *
 * <ol>
 *   <li>A call runs on the calling thread ({@code send}), never through {@code sendAsync}: the JDK
 *       completes every {@code sendAsync} through the common pool, which on a machine of two CPUs or
 *       fewer starts a new thread per response (E1 measured 22 ms per HTTP attempt that way, 5 ms
 *       with a common pool, against 2 ms to Redis).
 *   <li>Bounded as a whole: a request's own timeout covers only the wait for the response's
 *       headers, and an upstream that trickles its body would hold the call for ever. After {@code
 *       timeout} the calling thread is interrupted, which cancels the exchange, and the call throws
 *       {@link HttpTimeoutException}; the interrupt is not left behind.
 *   <li>An interrupt from elsewhere (a stop) ends the call with {@link InterruptedException}, as
 *       {@code send} does.
 * </ol>
 */
public final class HttpCalls {
    private HttpCalls() {}

    /** One thread for every call's alarm: it only interrupts. A silenced alarm leaves its queue at once. */
    private static final class Alarms {
        static final ScheduledExecutorService ALARMS = alarms();

        private static ScheduledExecutorService alarms() {
            ScheduledThreadPoolExecutor alarms = new ScheduledThreadPoolExecutor(1, r -> {
                Thread t = new Thread(r, "http-call-timeouts");
                t.setDaemon(true);
                return t;
            });
            alarms.setRemoveOnCancelPolicy(true);
            return alarms;
        }
    }

    /** Sends {@code request} and waits for the whole answer, at most {@code timeout}. */
    public static <T> HttpResponse<T> send(
            HttpClient http, HttpRequest request, HttpResponse.BodyHandler<T> body, Duration timeout)
            throws IOException, InterruptedException {
        Alarm alarm = new Alarm(Thread.currentThread());
        ScheduledFuture<?> ringing = Alarms.ALARMS.schedule(alarm::ring, timeout.toNanos(), TimeUnit.NANOSECONDS);
        try {
            return http.send(request, body);
        } catch (InterruptedException | IOException e) {
            if (alarm.rang()) { // cancelled by the alarm's interrupt: the call surfaces either way
                throw new HttpTimeoutException("no whole answer within " + timeout);
            }
            throw e;
        } finally {
            ringing.cancel(false);
            if (alarm.silence()) {
                Thread.interrupted(); // its interrupt was delivered (inside ring): not the caller's to keep
            }
        }
    }

    /** Interrupts the calling thread once, unless the call ended first. */
    private static final class Alarm {
        private final Thread caller;
        private boolean ended;
        private boolean rang;

        Alarm(Thread caller) {
            this.caller = caller;
        }

        synchronized void ring() {
            if (!ended) {
                rang = true;
                caller.interrupt();
            }
        }

        synchronized boolean rang() {
            return rang;
        }

        /** The call ended; @return whether the alarm had rung (its interrupt is then delivered) */
        synchronized boolean silence() {
            ended = true;
            return rang;
        }
    }
}
