using GoTraceEngine.Reporting;

namespace GoTraceEngine.Cli;

/// <summary>
/// How a run that ended before its input did is marked (<see cref="TraceEngine{TSink}.Complete(IncompleteReason, string?)"/>),
/// and what that means for exit codes (when a report can carry a CI verdict is <see cref="LeakGate.NoVerdictReason"/>).
/// </summary>
internal static class EndedEarly
{
    public const string ReplayInterrupted = "replay was interrupted";

    public const string TracingInterrupted = "tracing was interrupted";

    public static string TracerFailed(int exitCode) => $"bpftrace exited with code {exitCode}";

    /// <summary>Ctrl-C or SIGTERM ended the run: the report is printed, then the command exits 130.</summary>
    public static bool WasInterrupted(TraceSummary summary) => summary.IncompleteReasons.Contains(IncompleteReason.Interrupted);
}
