using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using GoTraceEngine.Reporting;
using Spectre.Console;

namespace GoTraceEngine.Cli;

/// <summary>
/// <c>gotrace watch [FILE|-]</c>: a live dashboard while events stream in (a terminal table refreshed a few times a
/// second, or one plain status line a second when stdout is not a terminal), then the final report.
/// </summary>
/// <remarks>
/// The engine runs on its own task at full speed; every refresh interval it fills a pooled <see cref="WatchSnapshot"/>
/// and publishes it. The display takes the latest snapshot, draws it and returns it to the pool, so a slow terminal
/// never slows ingestion and a long watch allocates no snapshots once warm.
/// </remarks>
internal static class WatchCommand
{
    public static Command Create(CliContext context)
    {
        Argument<string> file = new("FILE") { Description = "Tracer output to watch; '-' or nothing reads standard input.", Arity = ArgumentArity.ZeroOrOne, DefaultValueFactory = _ => "-" };
        Option<string> format = new("--format", "-f") { Description = "Final report format: text or json.", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        Option<long> refresh = UsageErrors.Integer("--refresh", "Refresh interval in milliseconds (the plain status line is printed once a second).", 20, 60_000, 250, "MS");
        Option<string?> prometheus = MetricsExport.CreateOption();
        var engineOptions = new EngineOptions();
        Command command = new("watch", "Watch tracer output live: events/s, live, blocked by reason, the top leak groups, warnings.") { file, format, refresh, prometheus };
        HelpExamples.Set(command, "sudo dtrace -q -s trace.d -c ./prog | gotrace watch --leak-after 5s");
        engineOptions.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            TraceEngineOptions options = engineOptions.Build(parse);
            await using MetricsExport? metrics = MetricsExport.Start(parse.GetValue(prometheus), out string? metricsError);
            if (metricsError is not null)
            {
                await context.Stderr.WriteLineAsync($"gotrace: {metricsError}").ConfigureAwait(false);
                return ExitCodes.Error;
            }

            string path = parse.GetValue(file) ?? "-";
            Stream input;
            try
            {
                input = path == "-" ? context.OpenStdin()
                    : Directory.Exists(path) ? throw new UnauthorizedAccessException($"'{path}' is a directory, not a trace file.")
                    : new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.Asynchronous);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                await context.Stderr.WriteLineAsync($"gotrace: cannot read '{path}': {Replay.Describe(e)}").ConfigureAwait(false);
                return ExitCodes.Error;
            }

            await using (input.ConfigureAwait(false))
            {
                var session = new WatchSession(new TraceEngine(options), TimeSpan.FromMilliseconds(parse.GetValue(refresh)), metrics);
                metrics?.Attach(session.Engine);
                Task ingest = Task.Run(() => session.IngestAsync(input, cancellationToken), CancellationToken.None);
                await ShowAsync(session, ingest, context.Stdout, context.StdoutIsTerminal).ConfigureAwait(false);

                try
                {
                    await ingest.ConfigureAwait(false);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    await context.Stderr.WriteLineAsync($"gotrace: cannot read '{path}': {e.Message}").ConfigureAwait(false);
                    return ExitCodes.Error;
                }

                TraceSummary summary = session.Engine.GetSummary();
                metrics?.Final(summary);
                if (parse.GetValue(format) == "json")
                {
                    ReportWriter.WriteJson(summary, context.Stdout);
                    await context.Stdout.WriteLineAsync().ConfigureAwait(false);
                }
                else
                {
                    ReportWriter.WriteText(summary, context.Stdout);
                }

                await (metrics?.WaitForFinalScrapeAsync(context.Stderr, cancellationToken) ?? Task.CompletedTask).ConfigureAwait(false);
                return EndedEarly.WasInterrupted(summary) ? ExitCodes.Interrupted : ExitCodes.Ok;
            }
        });
        return command;
    }

    /// <summary>
    /// Shows <paramref name="session"/>'s snapshots on <paramref name="output"/> until <paramref name="work"/> ends: the
    /// live table, redrawn every refresh, when <paramref name="terminal"/>; else one status line
    /// (<see cref="StatusLine"/>) a second. <c>gotrace watch</c> draws on stdout, <c>gotrace trace --watch</c> on stderr.
    /// Lines in <paramref name="above"/> are printed above the table as they come, and its last ones before the table
    /// clears, so other output on the same terminal does not tear it.
    /// </summary>
    internal static Task ShowAsync(WatchSession session, Task work, TextWriter output, bool terminal, WatchLog? above = null) =>
        terminal ? LiveDashboardAsync(session, work, output, above) : StatusLinesAsync(session, work, output);

    private static async Task LiveDashboardAsync(WatchSession session, Task work, TextWriter output, WatchLog? above)
    {
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            // The console's own writer (not its guard), so Spectre sees the terminal it draws on.
            Out = new AnsiConsoleOutput(output is GuardedWriter guarded ? guarded.Inner : output),
            Ansi = Environment.GetEnvironmentVariable("NO_COLOR") is null ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = Environment.GetEnvironmentVariable("NO_COLOR") is null ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.Yes,
        });
        await console.Live(Render(null)).AutoClear(true).StartAsync(async context =>
        {
            while (!work.IsCompleted)
            {
                await Task.WhenAny(work, Task.Delay(session.Interval)).ConfigureAwait(false);
                above?.WriteTo(console);
                WatchSnapshot? snapshot = session.TakeLatest();
                if (snapshot is not null)
                {
                    context.UpdateTarget(Render(snapshot));
                    session.Return(snapshot);
                }
            }

            above?.WriteTo(console);
        }).ConfigureAwait(false);
    }

    private static async Task StatusLinesAsync(WatchSession session, Task work, TextWriter output)
    {
        var clock = Stopwatch.StartNew();
        TimeSpan next = TimeSpan.Zero;
        while (!work.IsCompleted)
        {
            await Task.WhenAny(work, Task.Delay(session.Interval)).ConfigureAwait(false);
            WatchSnapshot? snapshot = session.TakeLatest();
            if (snapshot is null)
            {
                continue;
            }

            if (clock.Elapsed >= next)
            {
                await output.WriteLineAsync(StatusLine(snapshot)).ConfigureAwait(false);
                await output.FlushAsync().ConfigureAwait(false);
                next = clock.Elapsed + TimeSpan.FromSeconds(1);
            }

            session.Return(snapshot);
        }
    }

    /// <summary>The plain status line for one snapshot, printed once a second when the output is not a terminal.</summary>
    internal static string StatusLine(WatchSnapshot s)
    {
        CultureInfo c = CultureInfo.InvariantCulture;
        var line = new StringBuilder();
        line.Append(c, $"gotrace watch: {s.Seconds:0.0}s {s.Events} events ({Rate(s)}) live {s.Live} blocked {s.Blocked} leaked {s.Leaked}");
        string reasons = string.Join(", ", s.BlockedByReason.Where(r => r.Value > 0)
            .OrderByDescending(r => r.Value).ThenBy(r => r.Key, StringComparer.Ordinal).Take(4).Select(r => $"{r.Key} {r.Value}"));
        if (reasons.Length > 0)
        {
            line.Append(" (").Append(reasons).Append(')');
        }

        if (s.GroupCount > 0)
        {
            BlockedGroupCount top = s.Groups[0];
            line.Append(top.Leaked > 0 ? string.Create(c, $" top leak: {top.Leaked} {Describe(top)}") : string.Create(c, $" top blocked: {top.Count} {Describe(top)}"));
        }

        if (s.Pending > 0)
        {
            line.Append(c, $" held by the reorder window: {s.Pending} events");
        }

        if (s.IdleSeconds >= 1)
        {
            line.Append(c, $" input idle {s.IdleSeconds:0}s");
        }

        if (s.DataLoss + s.ProbeErrors + s.Late > 0)
        {
            line.Append(c, $" warnings: {s.DataLoss} data loss, {s.ProbeErrors} probe errors, {s.Late} late");
        }

        return line.ToString();
    }

    /// <summary>A group as the report names it: start function, creator, reason.</summary>
    private static string Describe(BlockedGroupCount group) =>
        $"{group.StartFunction ?? "(unknown)"}{(group.Creator is null ? string.Empty : " created by " + group.Creator)}: {group.Reason}";

    private static string Rate(WatchSnapshot s)
    {
        double rate = s.Events / Math.Max(s.Seconds, 1e-3);
        return rate >= 1e6 ? string.Create(CultureInfo.InvariantCulture, $"{rate / 1e6:0.00} M events/s") : string.Create(CultureInfo.InvariantCulture, $"{rate:N0} events/s");
    }

    /// <summary>The live table for one snapshot (<see langword="null"/>: no events yet).</summary>
    internal static Table Render(WatchSnapshot? s)
    {
        var table = new Table().Border(TableBorder.Rounded).Title("gotrace watch").AddColumn("").AddColumn(new TableColumn("").RightAligned());
        if (s is null)
        {
            return table.AddRow("waiting for events", string.Empty);
        }

        CultureInfo c = CultureInfo.InvariantCulture;
        table.AddRow("events", string.Create(c, $"{s.Events:N0}  ({Rate(s)})"));
        table.AddRow("live", s.Live.ToString("N0", c));
        table.AddRow("[bold]blocked[/]", s.Blocked.ToString("N0", c));
        table.AddRow("[bold red]leaked[/]", s.Leaked.ToString("N0", c) + " (the verdict)");
        foreach ((string reason, long count) in s.BlockedByReason.Where(r => r.Value > 0).OrderByDescending(r => r.Value).ThenBy(r => r.Key, StringComparer.Ordinal).Take(6))
        {
            table.AddRow("  " + Markup.Escape(reason), count.ToString("N0", c));
        }

        for (int i = 0; i < s.GroupCount; i++)
        {
            BlockedGroupCount group = s.Groups[i];
            string age = group.OldestParkTimestamp is { } park && s.LastTimestamp > 0 ? "  oldest " + ReportWriter.FormatDuration(s.LastTimestamp - park) : string.Empty;
            string size = group.Leaked > 0 ? $"{group.Leaked} leaked of {group.Count}" : $"{group.Count} waiting";
            table.AddRow(
                i == 0 ? "[red]top groups[/]" : string.Empty,
                Markup.Escape(string.Create(c, $"{size} {Describe(group)}{age}")));
        }

        if (s.Pending > 0)
        {
            table.AddRow("held back", string.Create(c, $"{s.Pending:N0} events in the reorder window (not counted above yet)"));
        }

        if (s.IdleSeconds >= 1)
        {
            table.AddRow("input", string.Create(c, $"idle for {s.IdleSeconds:0}s"));
        }

        table.AddRow("warnings", string.Create(c, $"{s.DataLoss} data loss, {s.ProbeErrors} probe errors, {s.Late} late"));
        return table;
    }
}
