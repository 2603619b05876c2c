package dev.shaledb.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
  @Test
  void writesNestedValuesWithEscapes() {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("name", "a \"quoted\"\\path\n");
    root.put("n", 3);
    root.put("x", 0.25);
    root.put("nan", Double.NaN);
    root.put("ok", true);
    root.put("list", List.of(1, List.of()));
    root.put("empty", Map.of());
    String json = Json.toString(root).replaceAll("\\s+", "");
    assertThat(json)
        .isEqualTo(
            "{\"name\":\"a\\\"quoted\\\"\\\\path\\n\",\"n\":3,\"x\":0.25,\"nan\":null,"
                + "\"ok\":true,\"list\":[1,[]],\"empty\":{}}");
  }

  @Test
  void controlCharactersAreEscaped() {
    assertThat(Json.toString("\u0001")).isEqualTo("\"\\u0001\"");
  }
}
