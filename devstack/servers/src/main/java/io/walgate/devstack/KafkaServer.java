package io.walgate.devstack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;

/**
 * A Kafka 4 broker in KRaft mode (one process is both broker and controller), from the Maven
 * Central jars. The storage is formatted on first start; topics are not auto-created, so that a
 * namespace whose provisioning failed shows up as an error rather than a topic with defaults.
 */
public final class KafkaServer extends ManagedServer {
    private final int port;
    private final int controllerPort;

    public KafkaServer(Path dataRoot, int port, int controllerPort) {
        super("kafka", dataRoot);
        this.port = port;
        this.controllerPort = controllerPort;
    }

    /** {@code host:port} for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return Ports.LOOPBACK + ":" + port;
    }

    public int port() {
        return port;
    }

    /**
     * Creates a topic (if it is not there) and returns once every partition's leader serves
     * requests. A test that produces into a topic in its first moments can otherwise lose an
     * idempotent producer's first batch (KAFKA-15591), which shows up later as records missing at
     * their offsets. The namespace provisioner waits the same way before a namespace is READY.
     */
    public void createTopic(String name, int partitions) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
            if (!admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(name)) {
                admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1)))
                        .all()
                        .get(30, TimeUnit.SECONDS);
            }
            Map<TopicPartition, OffsetSpec> all = new LinkedHashMap<>();
            for (int p = 0; p < partitions; p++) {
                all.put(new TopicPartition(name, p), OffsetSpec.latest());
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (true) {
                try {
                    admin.listOffsets(all, new ListOffsetsOptions().timeoutMs(2000))
                            .all()
                            .get(3, TimeUnit.SECONDS);
                    return;
                } catch (ExecutionException | TimeoutException e) {
                    if (System.nanoTime() > deadline) {
                        throw new DevstackException("partitions of topic " + name + " have no serving leader", e);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DevstackException("interrupted while creating topic " + name, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new DevstackException("could not create topic " + name, e);
        }
    }

    /** Reads this broker's topics from the start, for tests that check what landed on one. */
    public TopicReader topics() {
        return new TopicReader(bootstrapServers());
    }

    @Override
    protected Map<Integer, String> ports() {
        return Map.of(port, "Kafka", controllerPort, "Kafka controller");
    }

    @Override
    public String endpoint() {
        return bootstrapServers();
    }

    @Override
    public Map<String, String> endpoints() {
        return Map.of("WALGATE_KAFKA_BOOTSTRAP", bootstrapServers());
    }

    @Override
    protected void prepare() throws IOException {
        Path logs = dir().resolve("data");
        Map<String, String> config = new LinkedHashMap<>();
        config.put("process.roles", "broker,controller");
        config.put("node.id", "1");
        config.put("controller.quorum.bootstrap.servers", Ports.LOOPBACK + ":" + controllerPort);
        config.put(
                "listeners",
                "PLAINTEXT://" + Ports.LOOPBACK + ":" + port + ",CONTROLLER://" + Ports.LOOPBACK + ":"
                        + controllerPort);
        config.put("advertised.listeners", "PLAINTEXT://" + Ports.LOOPBACK + ":" + port);
        config.put("controller.listener.names", "CONTROLLER");
        config.put("inter.broker.listener.name", "PLAINTEXT");
        config.put("listener.security.protocol.map", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT");
        config.put("log.dirs", logs.toString());
        config.put("auto.create.topics.enable", "false");
        config.put("num.partitions", "1");
        config.put("offsets.topic.replication.factor", "1");
        config.put("offsets.topic.num.partitions", "10");
        config.put("transaction.state.log.replication.factor", "1");
        config.put("transaction.state.log.min.isr", "1");
        config.put("share.coordinator.state.topic.replication.factor", "1");
        config.put("share.coordinator.state.topic.min.isr", "1");
        config.put("group.initial.rebalance.delay.ms", "0");
        StringBuilder text = new StringBuilder("# Written by the Walgate devstack on every start.\n");
        config.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
        Files.writeString(dir().resolve("server.properties"), text);
        Files.writeString(dir().resolve("log4j2.properties"), LOG4J);

        if (!Files.exists(logs.resolve("meta.properties"))) {
            ChildProcess.runToCompletion(
                    List.of(
                            javaBinary(),
                            "-Dlog4j2.configurationFile=" + dir().resolve("log4j2.properties"),
                            "-cp",
                            Artifacts.serverClasspath("kafka"),
                            "kafka.tools.StorageTool",
                            "format",
                            "--standalone",
                            "--cluster-id",
                            Uuid.randomUuid().toString(),
                            "--config",
                            dir().resolve("server.properties").toString()),
                    Map.of(),
                    dir(),
                    logFile(),
                    120);
        }
    }

    @Override
    protected List<String> command() {
        return List.of(
                javaBinary(),
                "-Xms256m",
                "-Xmx1g",
                "-XX:+UseG1GC",
                "-XX:MaxGCPauseMillis=20",
                "-Djava.awt.headless=true",
                "-Dlog4j2.configurationFile=" + dir().resolve("log4j2.properties"),
                "-Dwalgate.devstack=" + dir(),
                "-cp",
                Artifacts.serverClasspath("kafka"),
                "kafka.Kafka",
                dir().resolve("server.properties").toString());
    }

    @Override
    protected boolean isReady() {
        if (!Ports.isListening(port)) {
            return false;
        }
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "3000");
        try (Admin admin = Admin.create(props)) {
            return !admin.describeCluster().nodes().get().isEmpty();
        } catch (Exception e) {
            return false;
        }
    }

    private static final String LOG4J = String.join(
            "\n",
            "rootLogger.level = INFO",
            "rootLogger.appenderRef.stdout.ref = STDOUT",
            "appender.stdout.type = Console",
            "appender.stdout.name = STDOUT",
            "appender.stdout.layout.type = PatternLayout",
            "appender.stdout.layout.pattern = [%d] %p %m (%c)%n",
            "logger.kafka.name = kafka",
            "logger.kafka.level = WARN",
            "logger.apache.name = org.apache.kafka",
            "logger.apache.level = WARN",
            "logger.started.name = kafka.server.KafkaRaftServer",
            "logger.started.level = INFO",
            // Rebalances (why one started, when it ended): what a delivery that waits for its
            // partitions needs explained, a few lines each.
            "logger.groups.name = org.apache.kafka.coordinator.group",
            "logger.groups.level = INFO",
            "");
}
