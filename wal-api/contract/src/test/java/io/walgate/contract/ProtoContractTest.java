package io.walgate.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.util.Durations;
import com.google.protobuf.util.JsonFormat;
import com.google.protobuf.util.Timestamps;
import io.walgate.api.v1.Durable;
import io.walgate.api.v1.Lifecycle;
import io.walgate.api.v1.Op;
import io.walgate.api.v1.Target;
import io.walgate.api.v1.WalProto;
import io.walgate.api.v1.WriteToLogRequest;
import io.walgate.api.v1.WriteToLogResponse;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The generated wire contract behaves as the REST contract and the design brief promise. */
class ProtoContractTest {

    @Test
    void aResponseWithoutADurableFieldReadsAsUnknownNeverAsTrue() throws Exception {
        WriteToLogResponse empty = WriteToLogResponse.parseFrom(new byte[0]);
        assertThat(empty.getDurable()).isEqualTo(Durable.UNKNOWN);
        assertThat(Durable.forNumber(0)).isEqualTo(Durable.UNKNOWN);
    }

    @Test
    void delayAndDeliverAtCannotBothBeSetOnTheWire() {
        Lifecycle lifecycle = Lifecycle.newBuilder()
                .setDelay(Durations.fromSeconds(30))
                .setDeliverAt(Timestamps.fromMillis(1_790_000_000_000L))
                .build();
        assertThat(lifecycle.hasDelay()).isFalse();
        assertThat(lifecycle.getDueCase()).isEqualTo(Lifecycle.DueCase.DELIVER_AT);
    }

    @Test
    void aRequestRoundTripsThroughBytesAndUsesTheRestJsonFieldNames() throws Exception {
        WriteToLogRequest request = WriteToLogRequest.newBuilder()
                .setNamespace("orders")
                .setPayload(ByteString.copyFromUtf8("hello"))
                .setPartitionKey("order-42")
                .setIdempotencyKey("c0ffee")
                .setLifecycle(Lifecycle.newBuilder().setDelay(Durations.fromSeconds(30)))
                .setTarget(Target.newBuilder().setKey("order-42").setOp(Op.PUT))
                .putHeaders("source", "checkout")
                .build();

        assertThat(WriteToLogRequest.parseFrom(request.toByteArray())).isEqualTo(request);
        String json = JsonFormat.printer().print(request);
        assertThat(json)
                .contains("\"partitionKey\": \"order-42\"")
                .contains("\"idempotencyKey\": \"c0ffee\"")
                .contains("\"delay\": \"30s\"")
                .contains("\"payload\": \"aGVsbG8=\"");
    }

    @Test
    void theServiceOffersSingleBatchAndMultiItemWrites() {
        assertThat(WalProto.getDescriptor().findServiceByName("WriteAheadLog").getMethods())
                .extracting(m -> m.getName())
                .containsExactly("WriteToLog", "WriteBatch", "MutateItems", "GetMutationStatus");
        assertThat(Arrays.stream(Durable.values()).map(Enum::name))
                .containsExactly("UNKNOWN", "TRUE", "FALSE", "UNRECOGNIZED");
    }
}
