using GoTraceEngine.Reporting;

namespace GoTraceEngine.Cli;

/// <summary>
/// The reasons the CLI gives <see cref="TraceEngine{TSink}.Complete(string)"/> when a run ends before its input does,
/// and what they mean for exit codes: the commands write and test them in one place.
/// </summary>
internal static class EndedEarly
{
    public const string ReplayInterrupted = "replay was interrupted";

    public const string TracingInterrupted = "tracing was interrupted";

    public static string TracerFailed(int exitCode) => $"bpftrace exited with code {exitCode}";

    /// <summary>Ctrl-C ended the run: the report is printed, then the command exits 130.</summary>
    public static bool WasInterrupted(TraceSummary summary) =>
        summary.Incomplete.Contains(ReplayInterrupted) || summary.Incomplete.Contains(TracingInterrupted);

    /// <summary>Why no CI verdict can be given (interrupted, or the tracer failed), or null.</summary>
    public static string? PreventsVerdict(TraceSummary summary) =>
        summary.Incomplete.FirstOrDefault(reason =>
            reason is ReplayInterrupted or TracingInterrupted || reason.StartsWith("bpftrace exited with code ", StringComparison.Ordinal));
}
