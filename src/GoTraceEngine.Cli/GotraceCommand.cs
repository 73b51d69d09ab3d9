using System.CommandLine;

namespace GoTraceEngine.Cli;

/// <summary>The <c>gotrace</c> command line: parses arguments, runs a subcommand, maps failures to exit codes (<see cref="ExitCodes"/>).</summary>
internal static class GotraceCommand
{
    public static async Task<int> RunAsync(
        string[] args, Func<Stream> openStdin, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var output = new GuardedWriter(stdout);
        var context = new CliContext(
            openStdin,
            output,
            stderr,
            StderrIsTerminal: ReferenceEquals(stderr, Console.Error) && !Console.IsErrorRedirected,
            StdoutIsTerminal: ReferenceEquals(stdout, Console.Out) && !Console.IsOutputRedirected);
        RootCommand root = CreateRoot(context);

        try
        {
            ParseResult parse = root.Parse(args);
            if (UsageErrors.Describe(root, parse) is { } usage)
            {
                await stderr.WriteLineAsync($"gotrace: {usage} (see 'gotrace {UsageErrors.CommandPath(parse)}--help')").ConfigureAwait(false);
                return ExitCodes.Error;
            }

            // Ctrl-C and SIGTERM cancel the token; commands then finish their report (a traced program and bpftrace need a
            // moment). The handlers are in place before the command starts: System.CommandLine's own ones were registered
            // only once the command's first await returned, so a signal sent as soon as `gen -o` had created its partial
            // file killed the process outright (exit 143, the file left behind) in 1 of 20 runs of the suite.
            // Exceptions reach the handler below instead of System.CommandLine's stack-trace printer.
            using var interrupt = new Interrupt(cancellationToken);
            var configuration = new InvocationConfiguration
            {
                Output = output,
                Error = stderr,
                ProcessTerminationTimeout = null,
                EnableDefaultExceptionHandler = false,
            };
            Task<int> run = parse.InvokeAsync(configuration, interrupt.Token);
            if (await Task.WhenAny(run, interrupt.GraceExpired).ConfigureAwait(false) != run)
            {
                await TryWriteAsync(stderr, $"gotrace: interrupted (still running {Interrupt.Grace.TotalSeconds:0} s after the signal)").ConfigureAwait(false);
                return ExitCodes.Interrupted;
            }

            return await run.ConfigureAwait(false);
        }
        catch (CliException e)
        {
            if (e.Line is not null)
            {
                await TryWriteAsync(stderr, "gotrace: " + e.Line).ConfigureAwait(false);
            }

            return e.ExitCode;
        }
        catch (OperationCanceledException)
        {
            await TryWriteAsync(stderr, "gotrace: interrupted").ConfigureAwait(false);
            return ExitCodes.Interrupted;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await TryWriteAsync(stderr, "gotrace: " + OneLine(e.Message)).ConfigureAwait(false);
            return ExitCodes.Error;
        }
        catch (Exception e) when (Environment.GetEnvironmentVariable("GOTRACE_DEBUG") is null)
        {
            // A bug: one line that can be reported, and the way to get the whole story.
            await TryWriteAsync(stderr, $"gotrace: internal error: {e.GetType().Name}: {OneLine(e.Message)} (GOTRACE_DEBUG=1 shows where)").ConfigureAwait(false);
            return ExitCodes.InternalError;
        }
    }

    /// <summary>The root command and every subcommand, each with its example in its help (<see cref="HelpExamples"/>).</summary>
    internal static RootCommand CreateRoot(CliContext context)
    {
        RootCommand root = new("gotrace: finds goroutine leaks in DTrace and bpftrace output of the Go runtime.")
        {
            ReplayCommand.Create(context),
            CheckCommand.Create(context),
            WatchCommand.Create(context),
            TraceCommand.Create(context),
            ScriptCommand.Create(context),
            GenCommand.Create(context),
        };
        HelpExamples.Set(root, "sudo gotrace trace -- ./prog");
        HelpExamples.Attach(root);
        root.SetAction(parse =>
        {
            // No command: the help, which lists them.
            return root.Parse("--help").Invoke(new InvocationConfiguration { Output = context.Stdout, Error = context.Stderr, EnableDefaultExceptionHandler = false });
        });
        return root;
    }

    /// <summary>Errors stop a run with one line: multi-line messages are joined.</summary>
    internal static string OneLine(string message) =>
        string.Join(' ', message.Split(['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    /// <summary>The last word goes to stderr; if even that fails there is no one left to tell.</summary>
    private static async Task TryWriteAsync(TextWriter stderr, string line)
    {
        try
        {
            await stderr.WriteLineAsync(line).ConfigureAwait(false);
        }
        catch (IOException)
        {
            // stderr is gone too: the exit code is all that is left.
        }
    }
}

/// <summary>The process's standard streams, injectable for in-process tests.</summary>
/// <param name="OpenStdin">Opens standard input.</param>
/// <param name="Stdout">Standard output, guarded: a failed write becomes one line and exit 2 (<see cref="GuardedWriter"/>).</param>
/// <param name="Stderr">Standard error.</param>
/// <param name="StderrIsTerminal">Whether stderr is the process's terminal (progress bars).</param>
/// <param name="StdoutIsTerminal">Whether stdout is the process's terminal (the live dashboard).</param>
internal sealed record CliContext(Func<Stream> OpenStdin, TextWriter Stdout, TextWriter Stderr, bool StderrIsTerminal, bool StdoutIsTerminal = false);
