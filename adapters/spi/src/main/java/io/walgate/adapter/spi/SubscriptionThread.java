package io.walgate.adapter.spi;

import java.time.Duration;

/** A {@link Subscription} whose loop runs on a thread of its own: how both backends run theirs. */
public final class SubscriptionThread implements Subscription {
    /** A subscription's loop: {@link #run()} until {@link #stop()}. */
    public interface Loop extends Runnable {
        void stop();
    }

    private final Loop loop;
    private final Thread thread;

    private SubscriptionThread(Loop loop, Thread thread) {
        this.loop = loop;
        this.thread = thread;
    }

    /** Starts {@code loop} on a daemon thread named {@code name}. */
    public static Subscription start(String name, Loop loop) {
        Thread thread = new Thread(loop, name);
        thread.setDaemon(true);
        thread.start();
        return new SubscriptionThread(loop, thread);
    }

    @Override
    public void stop() {
        loop.stop();
    }

    @Override
    public boolean awaitStopped(Duration timeout) throws InterruptedException {
        thread.join(Math.max(1, timeout.toMillis()));
        return !thread.isAlive();
    }
}
