package io.walgate.devstack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * ElasticMQ, an SQS-compatible server: delays, visibility timeouts, redrive to a DLQ, message
 * moves, FIFO and batches. Queues and messages persist under its data folder.
 */
public final class SqsServer extends ManagedServer {
    /** ElasticMQ's fixed account id; queue URLs and ARNs use it. */
    public static final String ACCOUNT_ID = "000000000000";
    /** The region ElasticMQ reports; clients must sign for it. */
    public static final String REGION = "elasticmq";

    private final int port;

    public SqsServer(Path dataRoot, int port) {
        super("sqs", dataRoot);
        this.port = port;
    }

    /** The endpoint URL for an SQS client's endpoint override. */
    @Override
    public String endpoint() {
        return "http://" + Ports.LOOPBACK + ":" + port;
    }

    public int port() {
        return port;
    }

    @Override
    protected Map<Integer, String> ports() {
        return Map.of(port, "SQS (ElasticMQ)");
    }

    @Override
    public Map<String, String> endpoints() {
        return Map.of("WALGATE_SQS_ENDPOINT", endpoint(), "WALGATE_SQS_REGION", REGION);
    }

    @Override
    protected void prepare() throws IOException {
        String conf = String.join(
                "\n",
                "# Written by the Walgate devstack on every start.",
                "include classpath(\"application.conf\")",
                "node-address {",
                "  protocol = http",
                "  host = \"" + Ports.LOOPBACK + "\"",
                "  port = " + port,
                "  context-path = \"\"",
                "}",
                "rest-sqs {",
                "  enabled = true",
                "  bind-port = " + port,
                "  bind-hostname = \"" + Ports.LOOPBACK + "\"",
                "  sqs-limits = strict",
                "}",
                "generate-node-address = false",
                "queues-storage {",
                "  enabled = true",
                "  path = \"" + dir().resolve("queues.conf") + "\"",
                "}",
                "messages-storage {",
                "  enabled = true",
                // WRITE_DELAY=0: commit to disk at once, so that a kill -9 loses nothing SQS acknowledged
                // (H2 would otherwise keep the last second in memory; real SQS is durable).
                "  uri = \"jdbc:h2:" + dir().resolve("messages") + ";WRITE_DELAY=0\"",
                "}",
                "aws {",
                "  region = \"" + REGION + "\"",
                "  accountId = \"" + ACCOUNT_ID + "\"",
                "}",
                "");
        Files.writeString(dir().resolve("elasticmq.conf"), conf);
    }

    @Override
    protected List<String> command() {
        return List.of(
                javaBinary(),
                "-Xms64m",
                "-Xmx512m",
                "-Djava.awt.headless=true",
                "-Dconfig.file=" + dir().resolve("elasticmq.conf"),
                "-Dwalgate.devstack=" + dir(),
                "-cp",
                Artifacts.serverClasspath("elasticmq"),
                "org.elasticmq.server.Main");
    }

    @Override
    protected boolean isReady() {
        if (!Ports.isListening(port)) {
            return false;
        }
        return HttpProbe.answers200(endpoint() + "/?Action=ListQueues");
    }
}
