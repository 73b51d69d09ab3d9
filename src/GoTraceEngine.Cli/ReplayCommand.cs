using System.CommandLine;
using GoTraceEngine.Reporting;

namespace GoTraceEngine.Cli;

/// <summary><c>gotrace replay [FILE|-] [--format text|json]</c>: reads a captured trace and prints the report.</summary>
internal static class ReplayCommand
{
    public static Command Create(CliContext context)
    {
        Argument<string[]> file = new("FILE")
        {
            Description = "Captured tracer output to read; '-' or nothing reads standard input. Several files or a directory: each report, then a combined summary.",
            Arity = ArgumentArity.ZeroOrMore,
        };
        Option<string> format = new("--format", "-f")
        {
            Description = "Report format: text for people, json for tools.",
            DefaultValueFactory = _ => "text",
        };
        format.AcceptOnlyFromAmong("text", "json");
        Option<bool> stats = new("--stats")
        {
            Description = "Print one line to stderr at the end: events, bytes, seconds and events/s.",
        };
        Option<bool> noProgress = new("--no-progress")
        {
            Description = "Never show the progress bar (it is shown on stderr only when stderr is a terminal).",
        };
        Option<string?> timeline = new("--timeline")
        {
            Description = "Also draw live, blocked and leaked goroutines over time to this file: .html (self-contained), .svg or .csv.",
            HelpName = "FILE",
        };
        var engineOptions = new EngineOptions();

        Command command = new("replay", "Replay captured dtrace/bpftrace output and report live, blocked and leaked goroutines, grouped by where they started.")
        {
            file,
            format,
            stats,
            noProgress,
            timeline,
        };

        HelpExamples.Set(command, "gotrace replay capture.txt --format json --leak-after 30s");
        engineOptions.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            string[] paths = parse.GetValue(file) ?? [];
            string path = paths.Length == 0 ? "-" : paths[0];
            bool json = parse.GetValue(format) == "json";
            TraceEngineOptions options = engineOptions.Build(parse);
            if (MultiReplay.Applies(paths))
            {
                return await MultiReplay.RunAsync(context, paths, json, parse.GetValue(stats), parse.GetValue(timeline), options, cancellationToken).ConfigureAwait(false);
            }

            string? timelinePath = parse.GetValue(timeline);
            if (timelinePath is not null && Path.GetExtension(timelinePath).ToUpperInvariant() is not (".HTML" or ".HTM" or ".SVG" or ".CSV"))
            {
                await context.Stderr.WriteLineAsync($"gotrace: --timeline '{timelinePath}': the file must end in .html, .svg or .csv").ConfigureAwait(false);
                return ExitCodes.Error;
            }

            if (timelinePath is not null)
            {
                options = options with { TimelinePoints = 2000 };
            }

            var run = new ReplayRun(path, json, parse.GetValue(stats), context.StderrIsTerminal && !parse.GetValue(noProgress), timelinePath);
            return await RunAsync(context, run, options, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    private static async Task<int> RunAsync(CliContext context, ReplayRun run, TraceEngineOptions options, CancellationToken cancellationToken)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        TraceEngine? engine = await Replay.RunEngineAsync(context, run.Path, options, run.Progress, cancellationToken).ConfigureAwait(false);
        if (engine is null)
        {
            return ExitCodes.Error;
        }

        double seconds = clock.Elapsed.TotalSeconds;
        TraceSummary summary = engine.GetSummary();
        if (run.Json)
        {
            ReportWriter.WriteJson(summary, context.Stdout);
            await context.Stdout.WriteLineAsync().ConfigureAwait(false);
        }
        else
        {
            ReportWriter.WriteText(summary, context.Stdout);
        }

        await context.Stdout.FlushAsync(CancellationToken.None).ConfigureAwait(false);
        if (run.Timeline is { } timelinePath)
        {
            try
            {
                Timeline timeline = engine.GetTimeline();
                await OutputFile.WriteAsync(timelinePath, stream =>
                {
                    using var writer = new StreamWriter(stream, new System.Text.UTF8Encoding(false), 1 << 16, leaveOpen: true);
                    TimelineWriter.Write(timeline, summary, timelinePath, writer);
                    return 0;
                }, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                await context.Stderr.WriteLineAsync($"gotrace: cannot write '{timelinePath}': {e.Message}").ConfigureAwait(false);
                return ExitCodes.Error;
            }
        }

        if (run.Stats)
        {
            await context.Stderr.WriteLineAsync(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"gotrace: {engine.EventsRead} events, {engine.LinesRead} lines, {engine.BytesRead} bytes in {seconds:0.000} s: {engine.EventsRead / Math.Max(seconds, 1e-9) / 1e6:0.00} M events/s, {engine.BytesRead / Math.Max(seconds, 1e-9) / 1e6:0} MB/s")).ConfigureAwait(false);
        }

        return EndedEarly.WasInterrupted(summary) ? ExitCodes.Interrupted : ExitCodes.Ok;
    }
}

/// <summary>What one <c>replay</c> invocation asked for.</summary>
internal sealed record ReplayRun(string Path, bool Json, bool Stats, bool Progress, string? Timeline = null);
