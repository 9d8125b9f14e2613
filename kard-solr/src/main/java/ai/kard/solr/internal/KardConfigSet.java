package ai.kard.solr.internal;

import ai.kard.retrieval.Bm25Settings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * The configset Kard ships in its jar ({@code ai/kard/solr/configset/}): {@code solrconfig.xml} and a
 * {@code schema.xml} with the collection's k1 and b filled in. Its name carries the layout version and the BM25
 * settings ({@code kard-v1-k1_0.9-b_0.4}), so a collection's configset name alone says whether Kard can search it
 * and with which settings.
 */
public final class KardConfigSet {
    /** Bumped whenever the schema or the analysis changes in a way that changes scores. */
    public static final int VERSION = 1;
    private static final String RESOURCES = "/ai/kard/solr/configset/";
    private static final Pattern NAME = Pattern.compile("kard-v(\\d+)-k1_([0-9.]+)-b_([0-9.]+)");

    private KardConfigSet() {
    }

    /** The configset name for these settings. */
    public static String name(Bm25Settings settings) {
        return "kard-v" + VERSION + "-k1_" + settings.k1() + "-b_" + settings.b();
    }

    /** Whether a configset name is one of Kard's, of any version. */
    public static boolean isKard(String configName) {
        return configName != null && NAME.matcher(configName).matches();
    }

    /** The layout version of a Kard configset name, or empty when it is not one. */
    public static Optional<Integer> version(String configName) {
        Matcher m = configName == null ? null : NAME.matcher(configName);
        return m != null && m.matches() ? Optional.of(Integer.parseInt(m.group(1))) : Optional.empty();
    }

    /** The BM25 settings of a Kard configset name, or empty when it is not one. */
    public static Optional<Bm25Settings> settings(String configName) {
        Matcher m = configName == null ? null : NAME.matcher(configName);
        if (m == null || !m.matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Bm25Settings(Float.parseFloat(m.group(2)), Float.parseFloat(m.group(3))));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The schema with k1 and b filled in. */
    public static String schema(Bm25Settings settings) {
        return resource("schema.xml").replace("@K1@", Float.toString(settings.k1()))
                .replace("@B@", Float.toString(settings.b()));
    }

    public static String solrconfig() {
        return resource("solrconfig.xml");
    }

    /** The configset as a zip, the form Solr's configset API uploads. */
    public static byte[] zip(Bm25Settings settings) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            zip.putNextEntry(new ZipEntry("solrconfig.xml"));
            zip.write(solrconfig().getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
            zip.putNextEntry(new ZipEntry("schema.xml"));
            zip.write(schema(settings).getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // writing to memory
        }
        return bytes.toByteArray();
    }

    private static String resource(String file) {
        try (InputStream in = KardConfigSet.class.getResourceAsStream(RESOURCES + file)) {
            if (in == null) {
                throw new IllegalStateException("resource " + RESOURCES + file + " is missing from the kard-solr jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
