package io.walgate.devstack;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

class PortsTest {

    @Test
    void aBusyPortIsRefusedWithAMessageNamingThePortAndItsUse() throws Exception {
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getByName(Ports.LOOPBACK))) {
            int port = busy.getLocalPort();
            assertThatThrownBy(() -> Ports.requireFree(port, "Kafka"))
                    .isInstanceOf(DevstackException.class)
                    .hasMessageContaining("port " + port + " (Kafka) is already in use")
                    .hasMessageContaining("./walgate down");
        }
    }

    @Test
    void aFreePortPassesTheCheck() {
        int port = Ports.free();
        assertThatCode(() -> Ports.requireFree(port, "Redis")).doesNotThrowAnyException();
    }
}
