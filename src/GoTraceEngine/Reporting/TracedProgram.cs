namespace GoTraceEngine.Reporting;

/// <summary>The program a live trace ran.</summary>
/// <remarks>Members are <c>required init</c>, so the type can grow without breaking binary compatibility.</remarks>
public sealed record TracedProgram
{
    /// <summary>The command line.</summary>
    public required string Command { get; init; }

    /// <summary>Its exit code, or null when it did not exit normally (killed, interrupted) or still runs.</summary>
    public required int? ExitCode { get; init; }

    /// <summary>
    /// True when the trace stopped while the program kept running: an attach (<c>gotrace trace -p PID</c>) ended by
    /// its duration or by Ctrl-C. Its goroutines blocked at the end may still be released.
    /// </summary>
    public bool StillRunning { get; init; }
}
