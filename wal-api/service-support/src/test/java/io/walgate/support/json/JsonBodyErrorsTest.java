package io.walgate.support.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.walgate.contract.ErrorCode;
import io.walgate.contract.WalException;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;

class JsonBodyErrorsTest {
    /** A record whose constructor refuses what the JSON gave it, as the spec records' do. */
    record Region(String url, List<String> options) {
        Region {
            Objects.requireNonNull(url);
        }
    }

    record Body(Region region, Integer partitions) {}

    private static WalException refusal(String json) {
        JsonProcessingException e = catchThrowableOfType(
                JsonProcessingException.class, () -> new ObjectMapper().readValue(json, Body.class));
        return JsonBodyErrors.of(e);
    }

    @Test
    void aRefusedValueIsNamedByItsFieldWithoutTheServersClassNames() {
        WalException e = refusal("{\"region\": {\"options\": []}}");

        assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED_REQUEST);
        assertThat(e.violations().get(0).field()).isEqualTo("region");
        assertThat(e.getMessage()).doesNotContain("io.walgate", "java.lang", "Exception");
    }

    @Test
    void aWrongTypeSaysWhatKindOfValueWasExpectedBySimpleName() {
        WalException e = refusal("{\"partitions\": \"six\"}");

        assertThat(e.getMessage()).contains("Integer").doesNotContain("java.lang");
    }
}
