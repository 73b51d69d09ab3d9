namespace GoTraceEngine.Reporting;

/// <summary>
/// How the traced program ended, as the bundled tracer scripts print it (<c># exit code=N</c> when it called
/// <c>exit_group</c>, <c># exit signal=N</c> when a signal killed it): part of the trace, so a replay shows it too.
/// </summary>
/// <remarks>Members are <c>init</c>, so the type can grow without breaking binary compatibility.</remarks>
public sealed record ProgramExit
{
    /// <summary>The exit code the program passed to <c>exit_group</c>, when the trace printed one (the last one wins).</summary>
    public int? Code { get; init; }

    /// <summary>The signal that killed it, when the trace printed one.</summary>
    public int? Signal { get; init; }
}
