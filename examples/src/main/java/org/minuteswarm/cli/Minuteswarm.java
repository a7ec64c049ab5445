package org.minuteswarm.cli;

import java.io.PrintWriter;
import org.minuteswarm.agent.ListenCommand;
import org.minuteswarm.bench.BenchCommand;
import org.minuteswarm.channel.ManifestException;
import org.minuteswarm.segmenter.BroadcastCommand;
import org.minuteswarm.tracker.TrackerCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code minuteswarm} command: dispatches to {@code broadcast} and {@code listen}. Every
 * error reaches the user as one line on stderr and a non-zero exit; {@code MINUTESWARM_DEBUG=1}
 * adds the stack trace.
 */
@Command(name = "minuteswarm", mixinStandardHelpOptions = true, version = "minuteswarm 0.1.0",
        description = "Live streaming over BitTorrent by minute swarming.",
        subcommands = {BroadcastCommand.class, ListenCommand.class, BenchCommand.class, TrackerCommand.class})
public final class Minuteswarm implements Runnable {
    /** Exit code for a wrong command line. */
    static final int USAGE = 2;
    /** Exit code for a failure at run time (busy port, unreachable or forged channel, bad input). */
    static final int FAILURE = 1;

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String... args) {
        return run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
    }

    static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = new CommandLine(new Minuteswarm());
        cli.setOut(out);
        cli.setErr(err);
        cli.setParameterExceptionHandler((ex, a) -> {
            PrintWriter usageErr = ex.getCommandLine().getErr();
            usageErr.println("minuteswarm: " + ex.getMessage());
            usageErr.println("Try '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
            return USAGE;
        });
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            commandLine.getErr().println("minuteswarm: " + oneLine(ex));
            if (System.getenv("MINUTESWARM_DEBUG") != null) {
                ex.printStackTrace(commandLine.getErr());
            }
            return FAILURE;
        });
        return cli.execute(args);
    }

    /** What the user needs to know, on one line. */
    static String oneLine(Throwable e) {
        String message = e.getMessage();
        if (e instanceof ManifestException) {
            return "rejected channel manifest: " + message;
        }
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "no such file: " + message;
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied: " + message;
        }
        if (message == null || message.isBlank()) {
            return e.getClass().getSimpleName();
        }
        return message.replace('\n', ' ');
    }
}
