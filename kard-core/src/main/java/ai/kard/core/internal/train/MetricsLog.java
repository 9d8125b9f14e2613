package ai.kard.core.internal.train;

import ai.kard.core.internal.checkpoint.AtomicFiles;
import ai.kard.core.train.EpochMetrics;
import ai.kard.core.train.StepMetrics;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

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
        BufferedImage chart = plot();
        if (chart != null) {
            AtomicFiles.write(dir.resolve(PLOT), out -> ImageIO.write(chart, "png", out));
        }
    }

    /**
     * Train loss per log step (a line) and validation loss per epoch (dots) against the optimizer step, drawn
     * with java.awt alone (no charting library on a user's classpath); null if there is nothing to draw.
     */
    BufferedImage plot() {
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
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
        List<double[]> all = new ArrayList<>(train);
        all.addAll(validation);
        double x0 = all.stream().mapToDouble(p -> p[0]).min().orElseThrow();
        double x1 = all.stream().mapToDouble(p -> p[0]).max().orElseThrow();
        double y0 = Math.min(0, all.stream().mapToDouble(p -> p[1]).min().orElseThrow());
        double y1 = all.stream().mapToDouble(p -> p[1]).max().orElseThrow();
        Plot area = new Plot(x0, x1 > x0 ? x1 : x0 + 1, y0, y1 > y0 ? y1 : y0 + 1);
        BufferedImage image = new BufferedImage(Plot.WIDTH, Plot.HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, Plot.WIDTH, Plot.HEIGHT);
            g.setColor(Color.BLACK);
            g.drawRect(Plot.LEFT, Plot.TOP, Plot.WIDTH - Plot.LEFT - Plot.RIGHT, Plot.HEIGHT - Plot.TOP - Plot.BOTTOM);
            g.drawString("Loss (train: line, validation: dots)", Plot.LEFT, Plot.TOP - 12);
            g.drawString("optimizer step", Plot.WIDTH / 2 - 40, Plot.HEIGHT - 12);
            for (int i = 0; i <= 4; i++) {
                double x = area.x0 + (area.x1 - area.x0) * i / 4;
                double y = area.y0 + (area.y1 - area.y0) * i / 4;
                g.drawString(String.format(Locale.ROOT, "%.0f", x), area.px(x) - 10, Plot.HEIGHT - Plot.BOTTOM + 16);
                g.drawString(String.format(Locale.ROOT, "%.3g", y), 6, area.py(y) + 4);
            }
            g.setColor(new Color(31, 119, 180));
            g.setStroke(new BasicStroke(1.5f));
            for (int i = 1; i < train.size(); i++) {
                g.drawLine(area.px(train.get(i - 1)[0]), area.py(train.get(i - 1)[1]),
                        area.px(train.get(i)[0]), area.py(train.get(i)[1]));
            }
            if (train.size() == 1) {
                g.fillRect(area.px(train.get(0)[0]) - 2, area.py(train.get(0)[1]) - 2, 4, 4);
            }
            g.setColor(new Color(255, 127, 14));
            for (double[] p : validation) {
                g.fillOval(area.px(p[0]) - 4, area.py(p[1]) - 4, 8, 8);
            }
        } finally {
            g.dispose();
        }
        return image;
    }

    /** Maps data coordinates into the 800x500 image, with margins for the labels. */
    private record Plot(double x0, double x1, double y0, double y1) {
        static final int WIDTH = 800;
        static final int HEIGHT = 500;
        static final int LEFT = 70;
        static final int RIGHT = 20;
        static final int TOP = 40;
        static final int BOTTOM = 50;

        int px(double x) {
            return LEFT + (int) Math.round((x - x0) / (x1 - x0) * (WIDTH - LEFT - RIGHT));
        }

        int py(double y) {
            return HEIGHT - BOTTOM - (int) Math.round((y - y0) / (y1 - y0) * (HEIGHT - TOP - BOTTOM));
        }
    }
}
