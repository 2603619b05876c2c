package dev.shaledb.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The {@code shaledb} command-line tool (docs/cli.md): inspects, reads and, only when told to with
 * {@code --force}, writes a database in an object store. It repairs nothing.
 *
 * <p>Every command opens the store named by {@code --store} itself and closes it before returning.
 * Failures become one line on stderr and an exit code ({@link ExitCodes}); a stack trace only with
 * {@code --verbose}.
 */
@Command(
    name = "shaledb",
    mixinStandardHelpOptions = true,
    versionProvider = ShaleDbCli.Version.class,
    description = "Inspect, read, verify and write a ShaleDB database in an object store.",
    subcommands = {
      InfoCommand.class,
      GetCommand.class,
      ScanCommand.class,
      PutCommand.class,
      DeleteCommand.class,
      TablesCommand.class,
      WalCommand.class,
      ManifestCommand.class,
      SstDumpCommand.class,
      VerifyCommand.class,
      CheckpointCommand.class,
      GcCommand.class,
      CompactCommand.class,
      CloneCommand.class,
      CommandLine.HelpCommand.class
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:success",
      "1:get: no such key; verify, sst-dump: damage found; no such checkpoint, table or manifest",
      "2:bad arguments, or a write refused without --force",
      "3:no database at the path",
      "4:the object store failed: unreachable, access denied, or another error",
      "5:an object has a newer format version than this tool reads",
      "6:any other failure (a damaged object, a fenced writer, compact timed out, ...)"
    })
public final class ShaleDbCli {
  @Option(
      names = "--store",
      paramLabel = "URI",
      scope = ScopeType.INHERIT,
      description = "The object store: file:/dir, s3://bucket[/prefix][?...] or memory:.")
  String store;

  @Option(
      names = "--path",
      paramLabel = "DBPATH",
      scope = ScopeType.INHERIT,
      defaultValue = "",
      description = "The database's path within the store (default: the store root).")
  String path;

  @Option(
      names = "--json",
      scope = ScopeType.INHERIT,
      description = "Print one JSON document instead of text.")
  boolean json;

  @Option(
      names = "--hex",
      scope = ScopeType.INHERIT,
      description = "Keys and values are hex, in arguments and output (default: UTF-8 text).")
  boolean hex;

  @Option(
      names = "--verbose",
      scope = ScopeType.INHERIT,
      description = "Print the stack trace of a failure.")
  boolean verbose;

  public static void main(String[] args) {
    PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
    PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
    System.exit(run(out, err, args));
  }

  /** Runs one command line, writing to {@code out} and {@code err}; returns the exit code. */
  static int run(PrintWriter out, PrintWriter err, String... args) {
    ShaleDbCli root = new ShaleDbCli();
    CommandLine line = new CommandLine(root);
    line.setOut(out);
    line.setErr(err);
    line.setParameterExceptionHandler(
        (e, unused) -> {
          CommandLine failed = e.getCommandLine();
          failed
              .getErr()
              .println(
                  "shaledb: "
                      + e.getMessage()
                      + " (see '"
                      + failed.getCommandSpec().qualifiedName()
                      + " --help')");
          return ExitCodes.USAGE;
        });
    line.setExecutionExceptionHandler(
        (e, failed, unused) -> {
          Failure failure = Failure.of(e);
          failed.getErr().println("shaledb: " + failure.message());
          if (root.verbose) {
            e.printStackTrace(failed.getErr());
          }
          return failure.exitCode();
        });
    try {
      return line.execute(args);
    } finally {
      out.flush();
      err.flush();
    }
  }

  /** The store and database the global options name; see {@link Target}. */
  Target target() {
    return new Target(store, path);
  }

  /** The version of the jar, from its manifest (unknown when run from classes). */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = ShaleDbCli.class.getPackage().getImplementationVersion();
      return new String[] {"shaledb " + (v == null ? "(development build)" : v)};
    }
  }
}
