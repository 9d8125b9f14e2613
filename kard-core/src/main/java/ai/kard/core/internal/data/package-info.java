/** JSON Lines plumbing for the readers and writers. Internal: not part of the API, may change without notice. */
package ai.kard.core.internal.data;
