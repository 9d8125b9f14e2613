package ai.kard.core.train.internal;

import ai.kard.core.checkpoint.AtomicFiles;
import ai.kard.core.train.EpochMetrics;
import ai.kard.core.train.StepMetrics;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The metrics of a run: step and epoch records in order, written as {@code metrics.jsonl} (one JSON
 * object per line, {@code "type": "step"} or {@code "epoch"}, NaN written as null) and plotted as
 * {@code loss.png}. Kept whole in memory and in each checkpoint, so a resumed run rewrites the same history.
 */
public final class MetricsLog {

    public static final String JSONL = "metrics.jsonl";
    public static final String PLOT = "loss.png";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<Object> records = new ArrayList<>();

    public void add(StepMetrics m) {
        records.add(m);
    }

    public void add(EpochMetrics m) {
        records.add(m);
    }

    public List<EpochMetrics> epochs() {
        return records.stream().filter(EpochMetrics.class::isInstance).map(EpochMetrics.class::cast).toList();
    }

    public List<StepMetrics> steps() {
        return records.stream().filter(StepMetrics.class::isInstance).map(StepMetrics.class::cast).toList();
    }

    public ArrayNode toJson() {
        ArrayNode array = JSON.createArrayNode();
        for (Object r : records) {
            array.add(toJson(r));
        }
        return array;
    }

    public static MetricsLog fromJson(JsonNode array) {
        MetricsLog log = new MetricsLog();
        for (JsonNode n : array) {
            String type = n.path("type").asText();
            if (type.equals("step")) {
                log.add(new StepMetrics(n.get("epoch").asInt(), n.get("step").asLong(), n.get("totalSteps").asLong(),
                        num(n, "loss"), num(n, "learningRate"), num(n, "gradNorm"), num(n, "tokensPerSecond"),
                        num(n, "elapsedSeconds"), num(n, "etaSeconds")));
            } else if (type.equals("epoch")) {
                log.add(new EpochMetrics(n.get("epoch").asInt(), n.get("step").asLong(), num(n, "trainLoss"),
                        num(n, "validationLoss"), num(n, "validationAccuracy"), num(n, "elapsedSeconds")));
            } else {
                throw new IllegalArgumentException("unknown metrics record type '" + type + "'");
            }
        }
        return log;
    }

    static ObjectNode toJson(Object r) {
        ObjectNode o = JSON.createObjectNode();
        if (r instanceof StepMetrics s) {
            o.put("type", "step").put("epoch", s.epoch()).put("step", s.step()).put("totalSteps", s.totalSteps());
            put(o, "loss", s.loss());
            put(o, "learningRate", s.learningRate());
            put(o, "gradNorm", s.gradNorm());
            put(o, "tokensPerSecond", s.tokensPerSecond());
            put(o, "elapsedSeconds", s.elapsedSeconds());
            put(o, "etaSeconds", s.etaSeconds());
        } else if (r instanceof EpochMetrics e) {
            o.put("type", "epoch").put("epoch", e.epoch()).put("step", e.step());
            put(o, "trainLoss", e.trainLoss());
            put(o, "validationLoss", e.validationLoss());
            put(o, "validationAccuracy", e.validationAccuracy());
            put(o, "elapsedSeconds", e.elapsedSeconds());
        }
        return o;
    }

    private static void put(ObjectNode o, String key, double v) {
        if (Double.isFinite(v)) {
            o.put(key, v);
        } else {
            o.putNull(key);
        }
    }

    private static double num(JsonNode n, String key) {
        JsonNode v = n.get(key);
        return v == null || v.isNull() ? Double.NaN : v.asDouble();
    }

    /** Writes {@code metrics.jsonl} and {@code loss.png} into {@code dir}, each atomically. */
    public void write(Path dir) throws IOException {
        StringBuilder lines = new StringBuilder();
        for (Object r : records) {
            lines.append(JSON.writeValueAsString(toJson(r))).append('\n');
        }
        AtomicFiles.write(dir.resolve(JSONL), lines.toString().getBytes(StandardCharsets.UTF_8));
        XYChart chart = plot();
        if (chart != null) {
            AtomicFiles.write(dir.resolve(PLOT),
                    out -> BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG));
        }
    }

    /** Train loss per log step and validation loss per epoch against the optimizer step; null if empty. */
    XYChart plot() {
        List<double[]> train = new ArrayList<>();
        List<double[]> validation = new ArrayList<>();
        for (Object r : records) {
            if (r instanceof StepMetrics s && Double.isFinite(s.loss())) {
                train.add(new double[] {s.step(), s.loss()});
            } else if (r instanceof EpochMetrics e && Double.isFinite(e.validationLoss())) {
                validation.add(new double[] {e.step(), e.validationLoss()});
            }
        }
        if (train.isEmpty() && validation.isEmpty()) {
            return null;
        }
        // XChart draws with AWT; without a display it must run headless.
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
        XYChart chart = new XYChartBuilder().width(800).height(500).title("Loss")
                .xAxisTitle("optimizer step").yAxisTitle("loss").build();
        if (!train.isEmpty()) {
            chart.addSeries("train", column(train, 0), column(train, 1)).setMarker(SeriesMarkers.NONE);
        }
        if (!validation.isEmpty()) {
            XYSeries v = chart.addSeries("validation", column(validation, 0), column(validation, 1));
            v.setMarker(SeriesMarkers.CIRCLE);
        }
        return chart;
    }

    private static double[] column(List<double[]> rows, int c) {
        return rows.stream().mapToDouble(r -> r[c]).toArray();
    }
}
