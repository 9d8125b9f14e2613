package ai.kard.core.parity;

import com.fasterxml.jackson.databind.JsonNode;

/** The fixtures' rule: |actual - expected| <= abs + rel * |expected|, element-wise. */
record Tolerance(double abs, double rel) {
    static Tolerance of(JsonNode expected) {
        JsonNode t = expected.path("tolerance");
        return new Tolerance(t.path("abs").asDouble(1e-4), t.path("rel").asDouble(1e-4));
    }

    /** Flattens a nested JSON number array (outermost = batch) in row-major order. */
    static float[] flatten(JsonNode nested) {
        java.util.ArrayList<Float> values = new java.util.ArrayList<>();
        collect(nested, values);
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }

    private static void collect(JsonNode node, java.util.List<Float> into) {
        if (node.isArray()) {
            node.forEach(child -> collect(child, into));
        } else {
            into.add(node.floatValue());
        }
    }

    /** Fails with the first offending index and the worst error when any element is out of tolerance. */
    void assertClose(String what, float[] actual, float[] expected) {
        if (actual.length != expected.length) {
            throw new AssertionError(what + ": " + actual.length + " values, expected " + expected.length);
        }
        double worst = 0;
        int firstBad = -1;
        for (int i = 0; i < actual.length; i++) {
            double diff = Math.abs(actual[i] - expected[i]);
            worst = Math.max(worst, diff);
            if (firstBad < 0 && !(diff <= abs + rel * Math.abs(expected[i]))) {
                firstBad = i;
            }
        }
        if (firstBad >= 0) {
            throw new AssertionError(what + ": index " + firstBad + " is " + actual[firstBad] + ", expected "
                    + expected[firstBad] + " (worst abs error " + worst + ")");
        }
    }
}
