using GoTraceEngine.Reporting;

namespace GoTraceEngine.Cli;

/// <summary>
/// How a run that ended before its input did is marked (<see cref="TraceEngine{TSink}.Complete(IncompleteReason, string?)"/>),
/// and when a report can carry a CI verdict: the commands decide both here, in one place.
/// </summary>
internal static class EndedEarly
{
    public const string ReplayInterrupted = "replay was interrupted";

    public const string TracingInterrupted = "tracing was interrupted";

    public static string TracerFailed(int exitCode) => $"bpftrace exited with code {exitCode}";

    /// <summary>Ctrl-C or SIGTERM ended the run: the report is printed, then the command exits 130.</summary>
    public static bool WasInterrupted(TraceSummary summary) => summary.IncompleteReasons.Contains(IncompleteReason.Interrupted);

    /// <summary>
    /// Why no CI verdict can be given, or null: reading was cut short, the tracer failed, goroutines went untracked,
    /// or the input held no trace at all (an empty file, a compressed one, the wrong file).
    /// </summary>
    public static string? PreventsVerdict(TraceSummary summary)
    {
        for (int i = 0; i < summary.IncompleteReasons.Count; i++)
        {
            if (summary.IncompleteReasons[i] is IncompleteReason.Interrupted or IncompleteReason.TracerFailed or IncompleteReason.GoroutineLimit)
            {
                return summary.Incomplete[i];
            }
        }

        if (summary.Lines.Events > 0 || summary.Trace is not null)
        {
            return null;
        }

        LineCounts lines = summary.Lines;
        long Skipped(string category) => lines.SkippedByCategory.TryGetValue(category, out long n) ? n : 0;
        if (lines.Total == 0)
        {
            return "the input is empty: no trace was read";
        }

        if (Skipped("blank") == lines.Total)
        {
            return $"the input holds only blank lines ({lines.Total}): no trace was read";
        }

        if (Skipped("invalidUtf8") * 2 >= lines.Total)
        {
            return $"the input is not text ({Skipped("invalidUtf8")} of {lines.Total} lines are not UTF-8): a compressed or binary file?";
        }

        if (Skipped("malformed") > 0 && summary.Diagnostics.Count > 0)
        {
            LineDiagnostic first = summary.Diagnostics[0];
            return $"no event could be read: {Skipped("malformed")} lines look like events but are malformed (line {first.Line}: {first.Message})";
        }

        return $"none of the input's {lines.Total} lines is a trace event (lines such as 'gopark: goroutine=… reason=…'; see gotrace script)";
    }
}
