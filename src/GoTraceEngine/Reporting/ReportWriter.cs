using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace GoTraceEngine.Reporting;

/// <summary>Writes a <see cref="TraceSummary"/> as text for people or as JSON for tools.</summary>
public static class ReportWriter
{
    // Relaxed escaping: reports go to files and terminals, not into HTML, so '+', 'µ' and non-ASCII names stay readable.
    private static readonly ReportJsonContext s_context = new(new JsonSerializerOptions(ReportJsonContext.Default.Options)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });

    /// <summary>Writes the JSON form (UTF-8, indented, stable field names).</summary>
    /// <param name="summary">The report.</param>
    /// <param name="utf8Json">The destination stream.</param>
    public static void WriteJson(TraceSummary summary, Stream utf8Json)
    {
        ArgumentNullException.ThrowIfNull(summary);
        ArgumentNullException.ThrowIfNull(utf8Json);
        JsonSerializer.Serialize(utf8Json, summary, s_context.TraceSummary);
    }

    /// <summary>
    /// Writes the JSON form to <paramref name="writer"/> as it is made, in pieces of about 64 KiB (more only for a single
    /// value longer than that): the report is never whole in memory. Should serializing fail, what was made is written. The text is <see cref="ToJson"/>'s, without a line end after it. At a million live goroutines
    /// a report is about 1 MB of JSON, twice that as a string.
    /// </summary>
    /// <param name="summary">The report.</param>
    /// <param name="writer">The destination; not flushed.</param>
    public static void WriteJson(TraceSummary summary, TextWriter writer) => WriteJson(summary, writer, TextBufferWriter.DefaultSize);

    /// <summary><see cref="WriteJson(TraceSummary, TextWriter)"/> in pieces of <paramref name="pieceBytes"/> (tests use small ones).</summary>
    internal static void WriteJson(TraceSummary summary, TextWriter writer, int pieceBytes)
    {
        ArgumentNullException.ThrowIfNull(summary);
        ArgumentNullException.ThrowIfNull(writer);
        using var output = new TextBufferWriter(writer, pieceBytes);
        using (var json = new Utf8JsonWriter(output, JsonWriterOptionsOf(s_context.Options)))
        {
            JsonSerializer.Serialize(json, summary, s_context.TraceSummary);
        }

        output.Complete();
    }

    /// <summary>The writer options that make a <see cref="Utf8JsonWriter"/> write what the serializer writes to a string with <paramref name="options"/>.</summary>
    private static JsonWriterOptions JsonWriterOptionsOf(JsonSerializerOptions options) => new()
    {
        Encoder = options.Encoder,
        Indented = options.WriteIndented,
        IndentCharacter = options.IndentCharacter,
        IndentSize = options.IndentSize,
        NewLine = options.NewLine,
        MaxDepth = options.MaxDepth == 0 ? 64 : options.MaxDepth,

        // As the serializer's own writer: the converters write well-formed JSON.
        SkipValidation = true,
    };

    /// <summary>Returns the JSON form.</summary>
    /// <param name="summary">The report.</param>
    /// <returns>Indented JSON.</returns>
    public static string ToJson(TraceSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        return JsonSerializer.Serialize(summary, s_context.TraceSummary);
    }

    /// <summary>Reads a report back from its JSON form.</summary>
    /// <param name="json">JSON written by <see cref="ToJson"/>.</param>
    /// <returns>The report.</returns>
    /// <exception cref="JsonException">The JSON is not a report.</exception>
    public static TraceSummary FromJson(string json) =>
        JsonSerializer.Deserialize(json, s_context.TraceSummary) ?? throw new JsonException("The JSON is null.");

    /// <summary>Leak groups (and objects leaks share) shown one by one before "… and N more"; JSON lists them all.</summary>
    public const int MaxGroupsShown = 10;

    /// <summary>Leaked goroutines listed one by one before "… and N more"; JSON lists them all.</summary>
    public const int MaxLeaksShown = 20;

    /// <summary>Writes the text form: the verdict first, then the detail a person needs to act on it.</summary>
    /// <param name="summary">The report.</param>
    /// <param name="writer">The destination.</param>
    public static void WriteText(TraceSummary summary, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(summary);
        ArgumentNullException.ThrowIfNull(writer);
        CultureInfo c = CultureInfo.InvariantCulture;
        LineCounts lines = summary.Lines;
        EventCounts ev = summary.Events;

        if (summary.Incomplete.Count > 0)
        {
            writer.WriteLine("gotrace: INCOMPLETE: " + string.Join("; ", summary.Incomplete));
        }

        WriteVerdict(summary, writer);
        writer.WriteLine(string.Create(c, $"  live             {summary.Live}"));
        writer.WriteLine(string.Create(c,
            $"  blocked          {summary.Blocked}{(summary.Blocked > 0 ? $" ({summary.Verdict.Leaks} leaked, {summary.Verdict.Likely} likely, {summary.Verdict.Waiting} waiting)" : string.Empty)}"));
        foreach (ReasonCount reason in summary.BlockedReasons)
        {
            writer.WriteLine(string.Create(c, $"    {reason.Reason + " (" + reason.ReasonCode.ToString(c) + ")",-24} {reason.Count}"));
        }

        WriteWaiting(summary, writer);
        WriteLeaks(summary, writer);
        writer.WriteLine(string.Create(c, $"  lines            {lines.Total} read: {lines.Events} events, {lines.Skipped} skipped"));
        if (lines.Skipped > 0)
        {
            writer.Write("    skipped        ");
            bool first = true;
            foreach (KeyValuePair<string, long> pair in lines.SkippedByCategory)
            {
                if (pair.Value == 0)
                {
                    continue;
                }

                writer.Write(first ? string.Empty : ", ");
                writer.Write(string.Create(c, $"{pair.Key} {pair.Value}"));
                first = false;
            }

            writer.WriteLine();
        }

        writer.WriteLine(string.Create(c,
            $"  events           create {ev.Create}, park {ev.Park}, ready {ev.Ready}, destroy {ev.Destroy}, tick {ev.Tick}, end {ev.End}"));
        writer.WriteLine(summary.WaitReasonTable is null
            ? $"  reasons          {summary.ReasonTable}"
            : $"  reasons          {summary.ReasonTable}; wait= names from {summary.WaitReasonTable}");
        if (summary.Trace is { } trace)
        {
            writer.WriteLine(string.Create(c,
                $"  trace header     line {trace.Line}: tracer={trace.Tracer ?? "?"} os={trace.Os ?? "?"} arch={trace.Arch ?? "?"} go={trace.GoVersion ?? "?"} reasons={trace.Reasons ?? "?"}"));
        }

        if (summary.Program is { } program)
        {
            writer.WriteLine($"  program          {program.Command}: {(program.ExitCode is { } code ? "exit code " + code.ToString(c) : program.StillRunning ? "still running when the trace stopped" : "did not exit normally")}");
        }

        TimingSummary t = summary.Timing;
        writer.WriteLine(!t.HasTimestamps
            ? "  timing           no timestamps (ts=): events applied in arrival order"
            : string.Create(c,
                $"  timing           {FormatDuration(t.DurationNs ?? 0)} of trace, reorder window {FormatDuration(t.ReorderWindowNs)}: {t.Reordered} reordered, {t.Late} late{(t.Late > 0 ? $" (up to {FormatDuration(t.MaxLatenessNs)} behind)" : string.Empty)}{(t.Pending > 0 ? $", {t.Pending} pending" : string.Empty)}{(t.AfterStop > 0 ? $", {t.AfterStop} after the tracer stopped (not applied: its probes were detaching)" : string.Empty)}"));

        AnomalyCounts a = summary.Anomalies;
        writer.WriteLine(a.Total == 0
            ? "  anomalies        none"
            : string.Create(c,
                $"  anomalies        {a.Total}: missed destroy {a.MissedDestroy}, untracked park {a.UntrackedPark}{(a.Adopted > 0 ? $" ({a.Adopted} of them followed on: created before the trace)" : string.Empty)}, untracked ready {a.UntrackedReady}, untracked destroy {a.UntrackedDestroy}"));

        long warningCount = summary.Warnings.Count + summary.WarningsOmitted;
        writer.WriteLine(warningCount == 0 ? "  warnings         none" : string.Create(c, $"  warnings         {warningCount}"));
        foreach (TraceWarning warning in summary.Warnings)
        {
            writer.WriteLine(warning.Line > 0
                ? string.Create(c, $"    line {warning.Line}: {ReportNames.Of(warning.Kind)}: {warning.Message}")
                : $"    {ReportNames.Of(warning.Kind)}: {warning.Message}");
        }

        if (summary.WarningsOmitted > 0)
        {
            writer.WriteLine(string.Create(c, $"    … and {summary.WarningsOmitted} more"));
        }

        long diagnosticCount = summary.Diagnostics.Count + summary.DiagnosticsOmitted;
        if (diagnosticCount > 0)
        {
            writer.WriteLine(string.Create(c, $"  unusable lines   {diagnosticCount}"));
            foreach (LineDiagnostic d in summary.Diagnostics)
            {
                // Diagnostics about the trace's clock carry no excerpt: no dangling colon after them.
                writer.WriteLine(d.Text.Length > 0
                    ? string.Create(c, $"    line {d.Line}: {d.Message}: {d.Text}")
                    : string.Create(c, $"    line {d.Line}: {d.Message}"));
            }

            if (summary.DiagnosticsOmitted > 0)
            {
                writer.WriteLine(string.Create(c, $"    … and {summary.DiagnosticsOmitted} more"));
            }
        }

        ScriptCounterCheck s = summary.ScriptCounters;
        if (!s.Present)
        {
            writer.WriteLine("  script counters  none printed");
        }
        else
        {
            string printed = (s.Count is { } count ? string.Create(c, $"count={count}") : string.Empty)
                + (s.Count is not null && s.BlockedCount is not null ? " " : string.Empty)
                + (s.BlockedCount is { } blocked ? string.Create(c, $"blocked_count={blocked}") : string.Empty);
            writer.WriteLine(string.Create(c,
                $"  script counters  last at line {s.Line} ({s.Kind}): {printed}; engine live {s.EngineLive} blocked {s.EngineBlocked}: {(s.Agree == true ? "agree" : "DISAGREE")}"));
            writer.WriteLine(s.Disagreements == 0
                ? string.Create(c, $"                   {s.Checked} line{Plural(s.Checked)} checked, all agree")
                : string.Create(c, $"                   {s.Checked} line{Plural(s.Checked)} checked, {s.Disagreements} disagree (first at line {s.FirstDisagreementLine}): the script's counters are not to be trusted"));
        }
    }

    private static string Plural(long n) => n == 1 ? string.Empty : "s";

    /// <summary>The headline and the leak groups, each with its evidence; the likely ones; the objects leaks wait on.</summary>
    private static void WriteVerdict(TraceSummary summary, TextWriter writer)
    {
        CultureInfo c = CultureInfo.InvariantCulture;
        int groups = summary.LeakGroups.Count;
        string floor = summary.LeakAfterNs > 0 ? $", blocked at least {FormatDuration(summary.LeakAfterNs)}" : string.Empty;
        if (summary.Leaks.Count == 0)
        {
            writer.WriteLine(summary.Blocked == 0
                ? "gotrace: no leaks (no goroutine blocked at the end of the trace)"
                : string.Create(c, $"gotrace: no leaks ({summary.Blocked} blocked goroutine{Plural(summary.Blocked)}, none blocked beyond what the trace shows would release {(summary.Blocked == 1 ? "it" : "them")}{floor})"));
        }
        else
        {
            writer.WriteLine(string.Create(c,
                $"gotrace: {summary.Leaks.Count} leaked goroutine{Plural(summary.Leaks.Count)} in {groups} group{Plural(groups)} (blocked beyond anything the trace shows would release them{floor})"));
        }

        WriteGroups(summary.LeakGroups, writer);
        if (summary.Likely.Count > 0)
        {
            writer.WriteLine(string.Create(c,
                $"  likely leaks     {summary.Likely.Count} in {summary.LikelyGroups.Count} group{Plural(summary.LikelyGroups.Count)} (the trace holds too little history to be sure)"));
            WriteGroups(summary.LikelyGroups, writer);
        }

        if (summary.WaitObjects.Count > 0)
        {
            writer.WriteLine("  waiting on the same object");
            IReadOnlyList<WaitObjectGroup> objects = summary.WaitObjects;
            for (int i = 0; i < objects.Count && i < MaxGroupsShown; i++)
            {
                WaitObjectGroup obj = objects[i];
                writer.WriteLine(string.Create(c,
                    $"  {obj.Count,5}  on 0x{obj.Obj:x}  {obj.Reason} ({obj.ReasonCode}){(obj.StartFunction is null ? string.Empty : "  " + obj.StartFunction)}  e.g. g 0x{obj.ExampleG:x}"));
            }

            if (objects.Count > MaxGroupsShown)
            {
                long more = objects.Skip(MaxGroupsShown).Sum(o => o.Count);
                writer.WriteLine(string.Create(c, $"         … and {objects.Count - MaxGroupsShown} more objects ({more} goroutines): --format json lists them all"));
            }
        }
    }

    private static void WriteGroups(IReadOnlyList<LeakGroup> groups, TextWriter writer)
    {
        CultureInfo c = CultureInfo.InvariantCulture;
        for (int i = 0; i < groups.Count && i < MaxGroupsShown; i++)
        {
            LeakGroup group = groups[i];
            string oldest = group.OldestBlockedNs is { } ns ? "  oldest " + FormatDuration(ns) : string.Empty;
            writer.WriteLine(string.Create(c, $"  {group.Count,5}  {Where(group)}  {group.Reason} ({group.ReasonCode}){oldest}  e.g. g 0x{group.ExampleG:x}"));
            if (group.Evidence is { } evidence)
            {
                writer.WriteLine("         " + evidence);
            }
        }

        if (groups.Count > MaxGroupsShown)
        {
            long more = groups.Skip(MaxGroupsShown).Sum(g => g.Count);
            writer.WriteLine(string.Create(c, $"         … and {groups.Count - MaxGroupsShown} more groups ({more} goroutines): --format json lists them all"));
        }
    }

    /// <summary>One line per reason for the goroutines that are only waiting, with the biggest group's evidence.</summary>
    private static void WriteWaiting(TraceSummary summary, TextWriter writer)
    {
        if (summary.WaitingGroups.Count == 0)
        {
            return;
        }

        CultureInfo c = CultureInfo.InvariantCulture;
        writer.WriteLine(string.Create(c, $"  waiting          {summary.Verdict.Waiting} (blocked, not leaks: within what the trace shows is normal for them)"));
        foreach (IGrouping<string, LeakGroup> reason in summary.WaitingGroups.GroupBy(g => g.Reason, StringComparer.Ordinal).OrderByDescending(r => r.Sum(g => g.Count)))
        {
            LeakGroup biggest = reason.First();
            writer.WriteLine(string.Create(c,
                $"    {reason.Key + " (" + biggest.ReasonCode.ToString(c) + ")",-24} {reason.Sum(g => g.Count)}  e.g. {Where(biggest)}: {biggest.Evidence}"));
        }
    }

    /// <summary>The leaked goroutines one by one, the first <see cref="MaxLeaksShown"/>.</summary>
    private static void WriteLeaks(TraceSummary summary, TextWriter writer)
    {
        if (summary.Leaks.Count == 0)
        {
            return;
        }

        CultureInfo c = CultureInfo.InvariantCulture;
        writer.WriteLine("  leaks");
        for (int i = 0; i < summary.Leaks.Count && i < MaxLeaksShown; i++)
        {
            writer.WriteLine("    " + GoroutineLine(summary.Leaks[i]));
        }

        if (summary.Leaks.Count > MaxLeaksShown)
        {
            writer.WriteLine(string.Create(c, $"    … and {summary.Leaks.Count - MaxLeaksShown} more: --format json lists every one"));
        }
    }

    private static string Where(LeakGroup group) => group.StartFunction is null && group.Creator is null
        ? "(start function unknown)"
        : (group.StartFunction ?? "(unknown)") + (group.Creator is null ? string.Empty : "  created by " + group.Creator)
            + (group.CreatedAt is null ? string.Empty : " at " + group.CreatedAt);

    /// <summary>
    /// One goroutine the way Go's own dumps print it (<c>goroutine 21 [chan receive, 3 minutes]: main.worker</c>,
    /// <c>created by main.startPool in goroutine 1 at pool.go:21</c>), then what only the trace knows.
    /// </summary>
    public static string GoroutineLine(LeakSuspect leak)
    {
        ArgumentNullException.ThrowIfNull(leak);
        CultureInfo c = CultureInfo.InvariantCulture;
        var line = new System.Text.StringBuilder();
        line.Append(leak.GoId is { } goid ? string.Create(c, $"goroutine {goid}") : string.Create(c, $"g 0x{leak.G:x}"));

        // Go prints the minutes only past one, from the runtime's own clock; ours is the trace's.
        string minutes = leak.BlockedNs is >= 60_000_000_000 and { } ns ? string.Create(c, $", {ns / 60_000_000_000} minutes") : string.Empty;
        line.Append(" [").Append(leak.WaitReason ?? leak.Reason).Append(minutes).Append("]: ").Append(leak.StartFunction ?? "(start function unknown)");
        if (leak.Creator is { } creator)
        {
            line.Append("  created by ").Append(creator);
            if (leak.ParentGoId is { } parent)
            {
                line.Append(c, $" in goroutine {parent}");
            }

            if (leak.CreatedAt is { } at)
            {
                line.Append(" at ").Append(at);
            }
        }

        if (leak.BlockedNs is { } blockedNs)
        {
            line.Append("  blocked ").Append(FormatDuration(blockedNs));
        }

        line.Append(c, $"  {leak.Reason} ({leak.ReasonCode})");
        if (leak.WaitReasonCode is { } waitCode)
        {
            line.Append(leak.WaitReason is { } wait ? $" [{wait} ({waitCode})]" : $" [waitReason {waitCode}]");
        }

        if (leak.GoId is not null)
        {
            line.Append(c, $"  g 0x{leak.G:x}");
        }

        if (leak.Obj is { } obj)
        {
            line.Append(c, $"  on 0x{obj:x}");
        }

        if (leak.Parent != 0 && leak.ParentGoId is null)
        {
            line.Append(c, $"  parent 0x{leak.Parent:x}");
        }

        string parked = leak.FoundBlocked ? "found blocked at line" : "parked at line";
        if (leak.CreateLine == 0)
        {
            line.Append(c, $"  {parked} {leak.Line}, created before the trace");
        }
        else
        {
            line.Append(c, $"  {parked} {leak.Line}, created at line {leak.CreateLine}");
        }

        return line.ToString();
    }

    /// <summary>A duration for people: <c>850ns</c>, <c>12.5µs</c>, <c>340ms</c>, <c>1.25s</c>, <c>3m04s</c>, <c>2h05m</c>.</summary>
    /// <param name="ns">Nanoseconds.</param>
    /// <returns>The text.</returns>
    public static string FormatDuration(long ns)
    {
        CultureInfo c = CultureInfo.InvariantCulture;
        return ns switch
        {
            < 1_000 => string.Create(c, $"{ns}ns"),
            < 1_000_000 => string.Create(c, $"{ns / 1e3:0.#}µs"),
            < 1_000_000_000 => string.Create(c, $"{ns / 1e6:0.#}ms"),
            < 60_000_000_000 => string.Create(c, $"{ns / 1e9:0.##}s"),
            < 3_600_000_000_000 => string.Create(c, $"{ns / 60_000_000_000}m{ns / 1_000_000_000 % 60:00}s"),
            _ => string.Create(c, $"{ns / 3_600_000_000_000}h{ns / 60_000_000_000 % 60:00}m"),
        };
    }
}
