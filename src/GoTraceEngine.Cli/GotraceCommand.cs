using System.CommandLine;

namespace GoTraceEngine.Cli;

/// <summary>The <c>gotrace</c> command line: parses arguments, runs a subcommand, maps failures to exit codes.</summary>
internal static class GotraceCommand
{
    /// <summary>Success.</summary>
    public const int ExitOk = 0;

    /// <summary>Kept for the CI gate: leaks over budget.</summary>
    public const int ExitLeaks = 1;

    /// <summary>Usage or I/O error.</summary>
    public const int ExitError = 2;

    /// <summary>Interrupted (Ctrl-C) after printing what was read, as shells report SIGINT.</summary>
    public const int ExitInterrupted = 130;

    public static async Task<int> RunAsync(
        string[] args, Func<Stream> openStdin, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var context = new CliContext(openStdin, stdout, stderr, StderrIsTerminal: ReferenceEquals(stderr, Console.Error) && !Console.IsErrorRedirected);
        RootCommand root = new("gotrace: finds goroutine leaks in DTrace and bpftrace output of the Go runtime.")
        {
            ReplayCommand.Create(context),
            CheckCommand.Create(context),
            WatchCommand.Create(context),
            TraceCommand.Create(context),
            ScriptCommand.Create(context),
            GenCommand.Create(context),
        };

        ParseResult parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            await stderr.WriteLineAsync($"gotrace: {OneLine(parse.Errors[0].Message)} (see 'gotrace --help')").ConfigureAwait(false);
            return ExitError;
        }

        // Ctrl-C cancels the token; commands then finish their report (a traced program and bpftrace need a moment).
        var configuration = new InvocationConfiguration { Output = stdout, Error = stderr, ProcessTerminationTimeout = TimeSpan.FromSeconds(20) };
        return await parse.InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Errors stop a run with one line: multi-line parser messages are joined.</summary>
    private static string OneLine(string message) =>
        string.Join(' ', message.Split(['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}

/// <summary>The process's standard streams, injectable for in-process tests.</summary>
internal sealed record CliContext(Func<Stream> OpenStdin, TextWriter Stdout, TextWriter Stderr, bool StderrIsTerminal);
