package ai.kard.core.distill;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code kard.json}'s provenance record as plain, unmodifiable Java values (no Jackson type leaves the package). */
final class Provenance {
    private Provenance() {
    }

    /** A JSON object as an unmodifiable map in field order; an absent or non-object node is an empty map. */
    static Map<String, Object> toJava(JsonNode object) {
        if (object == null || !object.isObject()) {
            return Map.of();
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) value(object);
        return map;
    }

    private static Object value(JsonNode node) {
        if (node.isObject()) {
            Map<String, Object> map = new LinkedHashMap<>();
            node.fields().forEachRemaining(e -> map.put(e.getKey(), value(e.getValue())));
            return Collections.unmodifiableMap(map);
        }
        if (node.isArray()) {
            List<Object> list = new ArrayList<>();
            node.forEach(e -> list.add(value(e)));
            return Collections.unmodifiableList(list);
        }
        if (node.isIntegralNumber()) {
            return node.canConvertToInt() ? (Object) node.intValue() : (Object) node.longValue();
        }
        if (node.isNumber()) {
            return node.doubleValue();
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        if (node.isNull() || node.isMissingNode()) {
            return null;
        }
        return node.asText();
    }
}
