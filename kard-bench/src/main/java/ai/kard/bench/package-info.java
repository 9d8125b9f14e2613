/**
 * Benchmarks. Each is a main that measures and prints a table; run one with
 * {@code mvn -q -B -pl kard-bench -am compile exec:java -Dexec.mainClass=...} or the {@code bench} script.
 */
package ai.kard.bench;
