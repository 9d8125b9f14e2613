/**
 * The {@code kard} command line: one picocli class per subcommand. Its commands, flags and final output lines are a
 * contract used by scripts; exit codes are 0 (success), 2 (bad input, one line on stderr) and 1 (internal failure).
 */
package ai.kard.examples.cli;
