package org.minuteswarm.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code minuteswarm bench}: measurements that print a table (not tests: nothing is asserted). */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks on loopback that print a table and write CSV and PNG files.",
        subcommands = {SwarmBenchCommand.class})
public final class BenchCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "bench: name a benchmark (swarm)");
    }
}
