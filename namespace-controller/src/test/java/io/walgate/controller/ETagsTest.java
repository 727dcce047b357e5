package io.walgate.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.walgate.contract.ErrorCode;
import io.walgate.contract.WalException;
import org.junit.jupiter.api.Test;

class ETagsTest {

    @Test
    void anETagIsTheQuotedVersionAndReadsBackFromEveryFormClientsSend() {
        assertThat(ETags.of(42)).isEqualTo("\"42\"");
        assertThat(ETags.parse("\"42\"")).contains(42L);
        assertThat(ETags.parse("42")).contains(42L);
        assertThat(ETags.parse("W/\"42\"")).contains(42L);
        assertThat(ETags.parse(" * ")).isEmpty();
    }

    @Test
    void anIfMatchThatNamesNoVersionIsAMalformedRequest() {
        assertThatThrownBy(() -> ETags.parse("\"latest\""))
                .isInstanceOf(WalException.class)
                .satisfies(e -> assertThat(((WalException) e).code()).isEqualTo(ErrorCode.MALFORMED_REQUEST));
    }
}
