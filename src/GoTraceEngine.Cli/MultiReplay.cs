using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using GoTraceEngine.Reporting;

namespace GoTraceEngine.Cli;

/// <summary>
/// <c>gotrace replay A B …</c> or <c>gotrace replay DIR</c>: replays many traces (the files of a directory, not its
/// subdirectories) in parallel, one per core, and prints each report in argument order as soon as the ones before it
/// are printed, then a combined summary: the leak groups of every trace merged by start function, creator and reason.
/// </summary>
/// <remarks>
/// Every input is checked before any is read, so a missing file stops the run at once (one line, exit 2). A file that
/// fails while being read is reported in its place and in the summary, the others still are, and the run exits 2.
/// </remarks>
internal static class MultiReplay
{
    /// <summary>True when the arguments name more than one input, or a directory.</summary>
    /// <param name="paths">The FILE arguments.</param>
    /// <returns>Whether <see cref="RunAsync"/> should handle them.</returns>
    public static bool Applies(IReadOnlyList<string> paths) => paths.Count > 1 || (paths.Count == 1 && Directory.Exists(paths[0]));

    /// <summary>Expands directories (their files, sorted by name, hidden ones skipped) and checks every input exists.</summary>
    /// <param name="paths">The FILE arguments.</param>
    /// <param name="files">The traces to replay, in order.</param>
    /// <param name="error">The one-line reason the run cannot start.</param>
    /// <returns>Whether every input can be replayed.</returns>
    internal static bool TryExpand(IReadOnlyList<string> paths, out List<string> files, out string? error)
    {
        files = [];
        error = null;
        foreach (string path in paths)
        {
            if (path == "-")
            {
                error = "standard input ('-') cannot be replayed with other inputs";
                return false;
            }

            if (Directory.Exists(path))
            {
                List<string> inside = [.. Directory.EnumerateFiles(path).Where(f => !Path.GetFileName(f).StartsWith('.')).Order(StringComparer.Ordinal)];
                if (inside.Count == 0)
                {
                    error = $"cannot read '{path}': the directory has no files";
                    return false;
                }

                files.AddRange(inside);
            }
            else if (File.Exists(path))
            {
                files.Add(path);
            }
            else
            {
                error = $"cannot read '{path}': no such file";
                return false;
            }
        }

        return true;
    }

    /// <summary>Replays <paramref name="paths"/> and prints every report, then the combined summary.</summary>
    /// <param name="context">The process's streams.</param>
    /// <param name="paths">The FILE arguments.</param>
    /// <param name="json">JSON (<c>{"traces":[{"file","report"|"error"}],"combined":{…}}</c>) instead of text.</param>
    /// <param name="stats">Print one line on stderr at the end: traces, events, bytes, seconds, events/s.</param>
    /// <param name="timeline">The <c>--timeline</c> value: refused, a timeline draws one trace.</param>
    /// <param name="options">The engine options, the same for every trace.</param>
    /// <param name="cancellationToken">Ctrl-C: the traces being read are reported as interrupted.</param>
    /// <returns>0, 2 when an input could not be read, 130 when interrupted.</returns>
    public static async Task<int> RunAsync(
        CliContext context, IReadOnlyList<string> paths, bool json, bool stats, string? timeline, TraceEngineOptions options, CancellationToken cancellationToken)
    {
        if (timeline is not null)
        {
            await context.Stderr.WriteLineAsync("gotrace: --timeline draws one trace: replay one FILE with it").ConfigureAwait(false);
            return ExitCodes.Error;
        }

        if (!TryExpand(paths, out List<string> files, out string? error))
        {
            await context.Stderr.WriteLineAsync($"gotrace: {error}").ConfigureAwait(false);
            return ExitCodes.Error;
        }

        var clock = Stopwatch.StartNew();
        using var slots = new SemaphoreSlim(Math.Max(1, Environment.ProcessorCount));
        Task<TraceResult>[] replays = [.. files.Select(file => ReplayOneAsync(file, options, slots, cancellationToken))];
        var results = new List<TraceResult>(files.Count);
        using var document = new MemoryStream();
        var writer = new Utf8JsonWriter(document, new JsonWriterOptions { Indented = true });
        await using (writer.ConfigureAwait(false))
        {
            if (json)
            {
                writer.WriteStartObject();
                writer.WriteStartArray("traces");
            }

            foreach (Task<TraceResult> replay in replays)
            {
                TraceResult result = await replay.ConfigureAwait(false);
                results.Add(result);
                if (json)
                {
                    WriteJson(writer, result);
                }
                else
                {
                    await WriteTextAsync(context, result, first: results.Count == 1).ConfigureAwait(false);
                }
            }

            if (json)
            {
                writer.WriteEndArray();
                writer.WritePropertyName("combined");
                CombinedJson(writer, results);
                writer.WriteEndObject();
                await writer.FlushAsync(CancellationToken.None).ConfigureAwait(false);
                await context.Stdout.WriteLineAsync(Encoding.UTF8.GetString(document.GetBuffer(), 0, (int)document.Length)).ConfigureAwait(false);
            }
            else
            {
                await context.Stdout.WriteLineAsync().ConfigureAwait(false);
                WriteCombinedText(context.Stdout, results);
            }
        }

        await context.Stdout.FlushAsync(CancellationToken.None).ConfigureAwait(false);
        foreach (TraceResult failed in results.Where(r => r.Error is not null))
        {
            await context.Stderr.WriteLineAsync($"gotrace: cannot read '{failed.File}': {failed.Error}").ConfigureAwait(false);
        }

        if (stats)
        {
            double seconds = clock.Elapsed.TotalSeconds;
            long events = results.Sum(r => r.Events);
            long bytes = results.Sum(r => r.Bytes);
            await context.Stderr.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"gotrace: {results.Count} traces, {events} events, {bytes} bytes in {seconds:0.000} s: {events / Math.Max(seconds, 1e-9) / 1e6:0.00} M events/s on {Math.Min(Environment.ProcessorCount, results.Count)} cores")).ConfigureAwait(false);
        }

        return results.Any(r => r.Error is not null) ? ExitCodes.Error
            : results.Any(r => r.Summary is { } s && EndedEarly.WasInterrupted(s)) ? ExitCodes.Interrupted
            : ExitCodes.Ok;
    }

    /// <summary>Merges the leak groups of many reports by (start function, creator, reason), biggest first.</summary>
    /// <param name="summaries">The reports.</param>
    /// <returns>The merged groups: suspects, traces they appear in, oldest blocked time.</returns>
    internal static List<CombinedGroup> Combine(IEnumerable<TraceSummary> summaries)
    {
        // Keyed by the reason's name: traces read with different reason tables agree on names, not codes.
        var groups = new Dictionary<(string?, string?, string), CombinedGroup>();
        var inThisTrace = new HashSet<(string?, string?, string)>();
        foreach (TraceSummary summary in summaries)
        {
            // A trace's groups that share these names (two go statements of one function in one creator) count it once.
            inThisTrace.Clear();
            foreach (LeakGroup group in summary.LeakGroups)
            {
                var key = (group.StartFunction, group.Creator, group.Reason);
                int trace = inThisTrace.Add(key) ? 1 : 0;
                groups[key] = groups.TryGetValue(key, out CombinedGroup? seen)
                    ? seen with { Count = seen.Count + group.Count, Traces = seen.Traces + trace, OldestBlockedNs = Max(seen.OldestBlockedNs, group.OldestBlockedNs) }
                    : new CombinedGroup(group.StartFunction, group.Creator, group.Reason, group.ReasonCode, group.Count, 1, group.OldestBlockedNs);
            }
        }

        return [.. groups.Values.OrderByDescending(g => g.Count).ThenBy(g => g.StartFunction, StringComparer.Ordinal).ThenBy(g => g.Creator, StringComparer.Ordinal).ThenBy(g => g.Reason, StringComparer.Ordinal)];
    }

    private static long? Max(long? a, long? b) => a is null ? b : b is null ? a : Math.Max(a.Value, b.Value);

    private static async Task<TraceResult> ReplayOneAsync(string file, TraceEngineOptions options, SemaphoreSlim slots, CancellationToken cancellationToken)
    {
        await slots.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            // Task.Run: each trace parses on a pool thread of its own, so the files use every core.
            return await Task.Run(async () =>
            {
                using var engine = new TraceEngine(options);
                try
                {
                    await engine.ReplayFileAsync(file, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    engine.Complete(IncompleteReason.Interrupted, EndedEarly.ReplayInterrupted);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
                {
                    return new TraceResult(file, null, Replay.Describe(e), engine.EventsRead, engine.BytesRead);
                }

                return new TraceResult(file, engine.GetSummary(), null, engine.EventsRead, engine.BytesRead);
            }, CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            slots.Release();
        }
    }

    private static async Task WriteTextAsync(CliContext context, TraceResult result, bool first)
    {
        if (!first)
        {
            await context.Stdout.WriteLineAsync().ConfigureAwait(false);
        }

        await context.Stdout.WriteLineAsync($"==> {result.File} <==").ConfigureAwait(false);
        if (result.Summary is { } summary)
        {
            ReportWriter.WriteText(summary, context.Stdout);
        }
        else
        {
            await context.Stdout.WriteLineAsync($"gotrace: cannot read '{result.File}': {result.Error}").ConfigureAwait(false);
        }

        await context.Stdout.FlushAsync(CancellationToken.None).ConfigureAwait(false);
    }

    private static void WriteCombinedText(TextWriter output, List<TraceResult> results)
    {
        CultureInfo c = CultureInfo.InvariantCulture;
        List<TraceSummary> read = [.. results.Where(r => r.Summary is not null).Select(r => r.Summary!)];
        List<CombinedGroup> groups = Combine(read);
        long suspects = read.Sum(s => (long)s.Leaks.Count);
        output.WriteLine(suspects == 0
            ? string.Create(c, $"gotrace: {results.Count} traces: no leaks")
            : string.Create(c, $"gotrace: {results.Count} traces: {suspects} leaked goroutine{(suspects == 1 ? "" : "s")} in {groups.Count} group{(groups.Count == 1 ? "" : "s")} across {read.Count(s => s.Leaks.Count > 0)} trace{(read.Count(s => s.Leaks.Count > 0) == 1 ? "" : "s")}"));
        foreach (CombinedGroup group in groups)
        {
            string where = group.StartFunction is null && group.Creator is null
                ? "(start function unknown)"
                : (group.StartFunction ?? "(unknown)") + (group.Creator is null ? string.Empty : "  created by " + group.Creator);
            string oldest = group.OldestBlockedNs is { } ns ? "  oldest " + ReportWriter.FormatDuration(ns) : string.Empty;
            output.WriteLine(string.Create(c, $"  {group.Count,5}  {where}  {group.Reason} ({group.ReasonCode}){oldest}  in {group.Traces} trace{(group.Traces == 1 ? "" : "s")}"));
        }

        int width = Math.Max(5, results.Max(r => r.File.Length));
        output.WriteLine("  traces");
        foreach (TraceResult result in results)
        {
            string what = result.Summary is { } s
                ? string.Create(c, $"{s.Leaks.Count,6} suspects  live {s.Live}  blocked {s.Blocked}  events {s.Events.Create + s.Events.Park + s.Events.Ready + s.Events.Destroy + s.Events.Tick + s.Events.End}{(s.Incomplete.Count > 0 ? "  INCOMPLETE" : "")}")
                : "unreadable: " + result.Error;
            output.WriteLine(string.Create(c, $"    {result.File.PadRight(width)}  {what}"));
        }

        output.WriteLine(string.Create(c, $"  total            live {read.Sum(s => (long)s.Live)}  blocked {read.Sum(s => (long)s.Blocked)}  unreadable {results.Count - read.Count}  incomplete {read.Count(s => s.Incomplete.Count > 0)}"));
    }

    private static void WriteJson(Utf8JsonWriter writer, TraceResult result)
    {
        writer.WriteStartObject();
        writer.WriteString("file", result.File);
        if (result.Summary is { } summary)
        {
            writer.WritePropertyName("report");
            writer.WriteRawValue(ReportWriter.ToJson(summary));
        }
        else
        {
            writer.WriteString("error", result.Error);
        }

        writer.WriteEndObject();
    }

    private static void CombinedJson(Utf8JsonWriter writer, List<TraceResult> results)
    {
        List<TraceSummary> read = [.. results.Where(r => r.Summary is not null).Select(r => r.Summary!)];
        writer.WriteStartObject();
        writer.WriteNumber("traces", results.Count);
        writer.WriteNumber("unreadable", results.Count - read.Count);
        writer.WriteNumber("incomplete", read.Count(s => s.Incomplete.Count > 0));
        writer.WriteNumber("leaks", read.Sum(s => (long)s.Leaks.Count));
        writer.WriteNumber("live", read.Sum(s => (long)s.Live));
        writer.WriteNumber("blocked", read.Sum(s => (long)s.Blocked));
        writer.WriteStartArray("leakGroups");
        foreach (CombinedGroup group in Combine(read))
        {
            writer.WriteStartObject();
            writer.WriteString("startFunction", group.StartFunction);
            writer.WriteString("creator", group.Creator);
            writer.WriteString("reason", group.Reason);
            writer.WriteNumber("reasonCode", group.ReasonCode);
            writer.WriteNumber("count", group.Count);
            writer.WriteNumber("traces", group.Traces);
            if (group.OldestBlockedNs is { } ns)
            {
                writer.WriteNumber("oldestBlockedNs", ns);
            }
            else
            {
                writer.WriteNull("oldestBlockedNs");
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>One input's outcome: its report, or why it could not be read.</summary>
    private sealed record TraceResult(string File, TraceSummary? Summary, string? Error, long Events, long Bytes);
}

/// <summary>A leak group merged across traces.</summary>
/// <param name="StartFunction">The goroutines' start function, when the traces name it.</param>
/// <param name="Creator">The function that ran the <c>go</c> statement, when known.</param>
/// <param name="Reason">The blocking reason's name.</param>
/// <param name="ReasonCode">Its code in the first trace that has the group.</param>
/// <param name="Count">Leak suspects in every trace together.</param>
/// <param name="Traces">How many traces have this group.</param>
/// <param name="OldestBlockedNs">The longest any of them was blocked, when the traces have timestamps.</param>
internal sealed record CombinedGroup(string? StartFunction, string? Creator, string Reason, int ReasonCode, long Count, int Traces, long? OldestBlockedNs);
