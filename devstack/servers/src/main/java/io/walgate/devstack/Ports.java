package io.walgate.devstack;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** Loopback ports: finding free ones for tests, and refusing busy ones with a clear message. */
public final class Ports {
    public static final String LOOPBACK = "127.0.0.1";

    private Ports() {}

    /** A port that was free a moment ago on the loopback address. */
    public static int free() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new DevstackException("no free loopback port: " + e.getMessage(), e);
        }
    }

    /** Whether something accepts connections on the loopback port. */
    public static boolean isListening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(LOOPBACK, port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Fails with a message naming the port and its user when the port cannot be bound.
     *
     * @param what what the port is for, e.g. "Kafka"
     */
    public static void requireFree(int port, String what) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(LOOPBACK, port));
        } catch (IOException e) {
            throw new DevstackException("port " + port + " (" + what + ") is already in use on " + LOOPBACK
                    + ". Is another Walgate or " + what + " running? Stop it (./walgate down),"
                    + " or start on free ports with ./walgate up --random-ports.");
        }
    }
}
