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

/**
 * terraform-provider-walgate's entry point: go-plugin's side of the handshake.
 *
 * <ol>
 *   <li>Started by anyone but Terraform (no magic cookie), it says what it is and exits 1.
 *   <li>It serves gRPC on a free loopback port, over mutual TLS with Terraform's certificate
 *       ({@link AutoMtls}) when Terraform sends one, and prints exactly one line on stdout, {@code
 *       1|6|tcp|127.0.0.1:PORT|grpc|CERT}; nothing reaches stdout before it (logs go to stderr,
 *       which Terraform keeps in its log).
 *   <li>It exits when Terraform asks ({@code plugin.GRPCController/Shutdown}); Terraform kills it
 *       otherwise. It never reads stdin, which may be the user's terminal.
 * </ol>
 */
public final class ProviderMain {
    static final String MAGIC_COOKIE_KEY = "TF_PLUGIN_MAGIC_COOKIE";
    static final String MAGIC_COOKIE = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";

    private ProviderMain() {}

    public static void main(String[] args) throws Exception {
        PrintStream stdout = System.out;
        // Whatever a library prints must not get in front of the handshake line.
        System.setOut(new PrintStream(System.err, true, StandardCharsets.UTF_8));
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
        NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(new ProviderService(System::getenv))
                .addService(new GRPCControllerGrpc.GRPCControllerImplBase() {
                    @Override
                    public void shutdown(Empty request, StreamObserver<Empty> out) {
                        out.onNext(Empty.getDefaultInstance());
                        out.onCompleted();
                        stop.countDown();
                    }
                });
        String clientPem = System.getenv("PLUGIN_CLIENT_CERT");
        String certificate = "";
        if (clientPem != null && !clientPem.isBlank()) {
            AutoMtls tls = AutoMtls.forClient(clientPem);
            builder.sslContext(tls.serverContext());
            certificate = tls.handshakeCertificate();
        }
        Server server = builder.build().start();
        stdout.println("1|6|tcp|127.0.0.1:" + server.getPort() + "|grpc|" + certificate);
        stdout.flush();
        stop.await();
        server.shutdown();
        System.exit(0);
    }
}
