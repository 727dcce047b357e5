package io.walgate.controller;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import io.restassured.http.ContentType;
import io.walgate.adapter.kafka.KafkaAdapters;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/** A delete does not drop entries the namespace's targets have not had, unless forced. */
@QuarkusTest
@QuarkusTestResource(ControllerDevstack.class)
@TestSecurity(user = "alice", roles = "walgate-admin")
class UndrainedDeleteIT {

    @Test
    void aNamespaceWithUndeliveredEntriesIsRefusedWithItsLagPerRegionUntilTheDeleteIsForced() throws Exception {
        String name = readyKafkaNamespace("undrained");
        produce("wal." + name, 0, 3);

        given().delete("/v1/namespaces/" + name)
                .then()
                .statusCode(409)
                .contentType("application/problem+json")
                .body("code", equalTo("NAMESPACE_NOT_DRAINED"))
                .body("undelivered.local", equalTo(3))
                .body("detail", containsString("local 3"));
        given().get("/v1/namespaces/" + name).then().statusCode(200).body("spec.state", equalTo("ACTIVE"));

        given().delete("/v1/namespaces/" + name + "?force=true")
                .then()
                .statusCode(202)
                .body("spec.state", equalTo("DELETED"));
    }

    @Test
    void aNamespaceWhoseWorkersCommittedEverythingIsDeletedWithoutForce() throws Exception {
        String name = readyKafkaNamespace("drained");
        produce("wal." + name, 1, 2);
        commit(KafkaAdapters.deliveryGroup("default", "local"), new TopicPartition("wal." + name, 1), 2);

        given().delete("/v1/namespaces/" + name).then().statusCode(202);
    }

    private static String readyKafkaNamespace(String prefix) {
        String name = prefix + "-" + Long.toString(System.nanoTime() % 1_000_000, 36);
        given().contentType(ContentType.JSON)
                .body(Specs.kafka(name, 2))
                .post("/v1/namespaces")
                .then()
                .statusCode(201);
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> given().get("/v1/namespaces/" + name)
                        .then()
                        .statusCode(200)
                        .body("status.phase", equalTo("READY")));
        return name;
    }

    /** Written straight to the log, as the gateway does; no worker runs here. */
    private static void produce(String topic, int partition, int count) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(topic, partition, null, new byte[] {(byte) i}))
                        .get(30, TimeUnit.SECONDS);
            }
        }
    }

    /** As the region's worker does once it applied everything up to {@code offset}. */
    private static void commit(String group, TopicPartition partition, long offset) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap(),
                ConsumerConfig.GROUP_ID_CONFIG,
                group,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class))) {
            consumer.assign(List.of(partition));
            consumer.commitSync(Map.of(partition, new OffsetAndMetadata(offset)), Duration.ofSeconds(30));
        }
    }

    private static String bootstrap() {
        return ControllerDevstack.devstack().kafka().bootstrapServers();
    }
}
