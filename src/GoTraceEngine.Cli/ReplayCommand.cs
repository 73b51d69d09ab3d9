using System.CommandLine;
using GoTraceEngine.Reporting;

namespace GoTraceEngine.Cli;

/// <summary><c>gotrace replay [FILE|-] [--format text|json]</c>: reads a captured trace and prints the report.</summary>
internal static class ReplayCommand
{
    public static Command Create(CliContext context)
    {
        Argument<string> file = new("FILE")
        {
            Description = "Captured tracer output to read; '-' or nothing reads standard input.",
            Arity = ArgumentArity.ZeroOrOne,
            DefaultValueFactory = _ => "-",
        };
        Option<string> format = new("--format", "-f")
        {
            Description = "Report format: text for people, json for tools.",
            DefaultValueFactory = _ => "text",
        };
        format.AcceptOnlyFromAmong("text", "json");
        var engineOptions = new EngineOptions();

        Command command = new("replay", "Replay captured dtrace/bpftrace output and report live, blocked and leaked goroutines, grouped by where they started.")
        {
            file,
            format,
        };
        engineOptions.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            string path = parse.GetValue(file) ?? "-";
            bool json = parse.GetValue(format) == "json";
            TraceEngineOptions options = engineOptions.Build(parse, out string? error);
            if (error is not null)
            {
                await context.Stderr.WriteLineAsync($"gotrace: {error}").ConfigureAwait(false);
                return GotraceCommand.ExitError;
            }

            return await RunAsync(context, path, json, options, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    private static async Task<int> RunAsync(
        CliContext context, string path, bool json, TraceEngineOptions options, CancellationToken cancellationToken)
    {
        var engine = new TraceEngine(options);
        try
        {
            if (path == "-")
            {
                Stream stdin = context.OpenStdin();
                await using (stdin.ConfigureAwait(false))
                {
                    await engine.ReplayAsync(stdin, cancellationToken).ConfigureAwait(false);
                }
            }
            else
            {
                await engine.ReplayFileAsync(path, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await context.Stderr.WriteLineAsync($"gotrace: cannot read '{path}': {Describe(e)}").ConfigureAwait(false);
            return GotraceCommand.ExitError;
        }

        TraceSummary summary = engine.GetSummary();
        if (json)
        {
            await context.Stdout.WriteLineAsync(ReportWriter.ToJson(summary)).ConfigureAwait(false);
        }
        else
        {
            ReportWriter.WriteText(summary, context.Stdout);
        }

        await context.Stdout.FlushAsync(cancellationToken).ConfigureAwait(false);
        return GotraceCommand.ExitOk;
    }

    private static string Describe(Exception e) => e switch
    {
        FileNotFoundException => "no such file",
        DirectoryNotFoundException => "no such directory",
        _ => e.Message,
    };
}
