package io.walgate.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The devstack's Redis is a real redis-server that keeps keys across a restart. */
@ExtendWith(DevstackExtension.class)
class RedisServerIT {

    @Test
    void aKeySetIsReadBackAndSurvivesARestart(RedisServer redis) throws IOException {
        assertThat(command(redis, "SET", "profile:7", "hello walgate")).isEqualTo("+OK");
        assertThat(command(redis, "GET", "profile:7")).isEqualTo("hello walgate");

        redis.restart();

        assertThat(command(redis, "GET", "profile:7")).isEqualTo("hello walgate");
        assertThat(command(redis, "DEL", "profile:7")).isEqualTo(":1");
        assertThat(command(redis, "GET", "profile:7")).isNull();
    }

    /** One RESP command; returns a status or integer line as-is, a bulk string's content, or null. */
    private static String command(RedisServer redis, String... args) throws IOException {
        try (Socket socket = new Socket(Ports.LOOPBACK, redis.port())) {
            StringBuilder request = new StringBuilder("*" + args.length + "\r\n");
            for (String arg : args) {
                request.append('$')
                        .append(arg.getBytes(StandardCharsets.UTF_8).length)
                        .append("\r\n")
                        .append(arg)
                        .append("\r\n");
            }
            OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            BufferedReader in =
                    new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            String line = in.readLine();
            if (line.startsWith("$")) {
                return line.equals("$-1") ? null : in.readLine();
            }
            return line;
        }
    }
}
