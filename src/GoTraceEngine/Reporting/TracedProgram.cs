namespace GoTraceEngine.Reporting;

/// <summary>The program a live trace ran.</summary>
/// <remarks>Members are <c>required init</c>, so the type can grow without breaking binary compatibility.</remarks>
public sealed record TracedProgram
{
    /// <summary>The command line.</summary>
    public required string Command { get; init; }

    /// <summary>Its exit code, or null when it did not exit normally (killed, interrupted).</summary>
    public required int? ExitCode { get; init; }
}
