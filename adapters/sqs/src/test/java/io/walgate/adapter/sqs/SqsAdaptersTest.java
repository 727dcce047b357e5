package io.walgate.adapter.sqs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;

class SqsAdaptersTest {

    @Test
    void anAccessKeyWithItsSecretSignsWithThoseKeys() {
        AwsCredentials credentials = SqsAdapters.credentials(Optional.of("walgate"), Optional.of("s3cret"))
                .resolveCredentials();

        assertThat(credentials.accessKeyId()).isEqualTo("walgate");
        assertThat(credentials.secretAccessKey()).isEqualTo("s3cret");
    }

    @Test
    void oneKeyWithoutTheOtherIsRefusedRatherThanIgnored() {
        assertThatThrownBy(() -> SqsAdapters.credentials(Optional.of("walgate"), Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("access-key-id and secret-access-key go together");
        assertThatThrownBy(() -> SqsAdapters.credentials(Optional.empty(), Optional.of("s3cret")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void withoutKeysTheAwsDefaultChainDecides() {
        assertThat(SqsAdapters.credentials(Optional.empty(), Optional.empty()))
                .isInstanceOf(DefaultCredentialsProvider.class);
    }
}
