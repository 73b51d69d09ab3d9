using System.Globalization;
using System.Text.Json;

namespace GoTraceEngine.Reporting;

/// <summary>Writes a <see cref="TraceSummary"/> as text for people or as JSON for tools.</summary>
public static class ReportWriter
{
    /// <summary>Writes the JSON form (UTF-8, indented, stable field names).</summary>
    /// <param name="summary">The report.</param>
    /// <param name="utf8Json">The destination stream.</param>
    public static void WriteJson(TraceSummary summary, Stream utf8Json)
    {
        ArgumentNullException.ThrowIfNull(summary);
        ArgumentNullException.ThrowIfNull(utf8Json);
        JsonSerializer.Serialize(utf8Json, summary, ReportJsonContext.Default.TraceSummary);
    }

    /// <summary>Returns the JSON form.</summary>
    /// <param name="summary">The report.</param>
    /// <returns>Indented JSON.</returns>
    public static string ToJson(TraceSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        return JsonSerializer.Serialize(summary, ReportJsonContext.Default.TraceSummary);
    }

    /// <summary>Reads a report back from its JSON form.</summary>
    /// <param name="json">JSON written by <see cref="ToJson"/>.</param>
    /// <returns>The report.</returns>
    /// <exception cref="JsonException">The JSON is not a report.</exception>
    public static TraceSummary FromJson(string json) =>
        JsonSerializer.Deserialize(json, ReportJsonContext.Default.TraceSummary) ?? throw new JsonException("The JSON is null.");

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

        writer.WriteLine(summary.Leaks.Count == 0
            ? "gotrace: no leak suspects"
            : string.Create(c, $"gotrace: {summary.Leaks.Count} leak suspect{Plural(summary.Leaks.Count)} (goroutines still blocked at the end of the trace)"));
        writer.WriteLine(string.Create(c, $"  live             {summary.Live}"));
        writer.WriteLine(string.Create(c, $"  blocked          {summary.Blocked}"));
        foreach (ReasonCount reason in summary.BlockedReasons)
        {
            writer.WriteLine(string.Create(c, $"    {reason.Reason + " (" + reason.ReasonCode.ToString(c) + ")",-24} {reason.Count}"));
        }

        if (summary.Leaks.Count > 0)
        {
            writer.WriteLine("  leak suspects");
            foreach (LeakSuspect leak in summary.Leaks)
            {
                writer.WriteLine(string.Create(c,
                    $"    g 0x{leak.G:x}  {leak.Reason} ({leak.ReasonCode})  parent 0x{leak.Parent:x}  parked at line {leak.Line}, created at line {leak.CreateLine}"));
            }
        }

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
        writer.WriteLine(string.Create(c, $"  reasons          {summary.ReasonTable}"));

        AnomalyCounts a = summary.Anomalies;
        writer.WriteLine(a.Total == 0
            ? "  anomalies        none"
            : string.Create(c,
                $"  anomalies        {a.Total}: missed destroy {a.MissedDestroy}, untracked park {a.UntrackedPark}, untracked ready {a.UntrackedReady}, untracked destroy {a.UntrackedDestroy}"));

        long warningCount = summary.Warnings.Count + summary.WarningsOmitted;
        writer.WriteLine(warningCount == 0 ? "  warnings         none" : string.Create(c, $"  warnings         {warningCount}"));
        foreach (TraceWarning warning in summary.Warnings)
        {
            writer.WriteLine(string.Create(c, $"    line {warning.Line}: {warning.Kind}: {warning.Message}"));
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
                writer.WriteLine(string.Create(c, $"    line {d.Line}: {d.Message}: {d.Text}"));
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
}
