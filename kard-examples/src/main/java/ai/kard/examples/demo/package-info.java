/**
 * The bundled demo: a seeded generator of an invented-facts, knowledge-intensive multiple-choice benchmark
 * (fictional diseases, their passages, direct and two-hop questions, teacher-style rationales).
 */
package ai.kard.examples.demo;
