package dev.shaledb.cli;

import java.util.UUID;
import picocli.CommandLine.Option;

/** {@code --checkpoint ID}, shared by the reading commands (a picocli mixin). */
final class CheckpointOption {
  @Option(
      names = "--checkpoint",
      paramLabel = "ID",
      description = "Read the tables this checkpoint pinned instead of the latest state.")
  UUID checkpoint;
}
