/** The teacher's resumable output file. Internal: not part of the API, may change without notice. */
package ai.kard.core.internal.teacher;
