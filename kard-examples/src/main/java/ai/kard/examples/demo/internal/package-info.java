/** Implementation detail of the demo benchmark generator (invented words, facts): not API. */
package ai.kard.examples.demo.internal;
