package io.walgate.terraform;

import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.walgate.terraform.proto.GRPCControllerGrpc;
import io.walgate.terraform.proto.GoPlugin.Empty;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * terraform-provider-walgate's entry point: go-plugin's side of the handshake.
 *
 * <ol>
 *   <li>Started by anyone but Terraform (no magic cookie), it says what it is and exits 1.
 *   <li>It serves gRPC on a free loopback port, over mutual TLS with Terraform's certificate
 *       ({@link AutoMtls}) when Terraform sends one, and prints exactly one line on stdout, {@code
 *       1|6|tcp|127.0.0.1:PORT|grpc|CERT}; nothing reaches stdout before it (logs go to stderr,
 *       which Terraform keeps in its log).
 *   <li>With {@code --debug} it serves plaintext for as long as it runs and prints the {@code
 *       TF_REATTACH_PROVIDERS} value that attaches Terraform to it (a debugger, a profiler).
 *   <li>It exits when Terraform asks ({@code plugin.GRPCController/Shutdown}); Terraform kills it
 *       otherwise. It never reads stdin, which may be the user's terminal.
 * </ol>
 */
public final class ProviderMain {
    static final String MAGIC_COOKIE_KEY = "TF_PLUGIN_MAGIC_COOKIE";
    static final String MAGIC_COOKIE = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";

    private ProviderMain() {}

    /**
     * Serves the provider on a free loopback port: over mutual TLS when {@code tls} is given,
     * plaintext otherwise (a provider Terraform attaches to with {@code TF_REATTACH_PROVIDERS}).
     *
     * @param env the environment the provider's settings default from
     * @param onShutdown what Terraform's {@code GRPCController/Shutdown} does
     */
    public static Server serve(Function<String, String> env, AutoMtls tls, Runnable onShutdown) throws Exception {
        NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(new ProviderService(env))
                .addService(new GRPCControllerGrpc.GRPCControllerImplBase() {
                    @Override
                    public void shutdown(Empty request, StreamObserver<Empty> out) {
                        out.onNext(Empty.getDefaultInstance());
                        out.onCompleted();
                        onShutdown.run();
                    }
                });
        if (tls != null) {
            builder.sslContext(tls.serverContext());
        }
        return builder.build().start();
    }

    /** The value of {@code TF_REATTACH_PROVIDERS} that attaches Terraform to a provider serving plaintext on {@code port}. */
    public static String reattach(int port) {
        return "{\"registry.terraform.io/walgate/walgate\":{\"Protocol\":\"grpc\",\"ProtocolVersion\":6,\"Pid\":"
                + ProcessHandle.current().pid() + ",\"Test\":true,\"Addr\":{\"Network\":\"tcp\",\"String\":\"127.0.0.1:"
                + port + "\"}}}";
    }

    public static void main(String[] args) throws Exception {
        PrintStream stdout = System.out;
        // Whatever a library prints must not get in front of the handshake line.
        System.setOut(new PrintStream(System.err, true, StandardCharsets.UTF_8));
        if (args.length == 1 && args[0].equals("--debug")) {
            Server server = serve(System::getenv, null, () -> {});
            stdout.println("Provider started. To attach Terraform to it, set in Terraform's environment:");
            stdout.println("TF_REATTACH_PROVIDERS='" + reattach(server.getPort()) + "'");
            stdout.flush();
            server.awaitTermination();
            return;
        }
        if (!MAGIC_COOKIE.equals(System.getenv(MAGIC_COOKIE_KEY))) {
            System.err.println("terraform-provider-walgate is a Terraform plugin: Terraform starts it. Declare it in a"
                    + " configuration's required_providers (source = \"walgate/walgate\") and run terraform; see"
                    + " docs/terraform.md.");
            System.exit(1);
        }
        String versions = System.getenv().getOrDefault("PLUGIN_PROTOCOL_VERSIONS", "6");
        if (Arrays.stream(versions.split(",")).map(String::trim).noneMatch("6"::equals)) {
            System.err.println("terraform-provider-walgate speaks plugin protocol 6 (Terraform 1.0 or later); this"
                    + " Terraform offers " + versions);
            System.exit(1);
        }
        CountDownLatch stop = new CountDownLatch(1);
        String clientPem = System.getenv("PLUGIN_CLIENT_CERT");
        AutoMtls tls = clientPem == null || clientPem.isBlank() ? null : AutoMtls.forClient(clientPem);
        Server server = serve(System::getenv, tls, stop::countDown);
        String certificate = tls == null ? "" : tls.handshakeCertificate();
        stdout.println("1|6|tcp|127.0.0.1:" + server.getPort() + "|grpc|" + certificate);
        stdout.flush();
        stop.await();
        // The Shutdown call's answer is sent once the calls in flight end; then nothing is left to
        // do, and halting spares the JVM's orderly exit (0.3–0.5 s, paid on each of Terraform's 3–5
        // starts per command). A class-data archive is still written at a halt.
        server.shutdown().awaitTermination(2, TimeUnit.SECONDS);
        Runtime.getRuntime().halt(0);
    }
}
