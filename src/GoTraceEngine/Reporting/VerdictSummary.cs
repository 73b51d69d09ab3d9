namespace GoTraceEngine.Reporting;

/// <summary>How the verdict split the blocked goroutines, and on what clock it judged.</summary>
/// <remarks>Members are <c>required init</c>, so the type can grow without breaking binary compatibility.</remarks>
public sealed record VerdictSummary
{
    /// <summary><c>ns</c> when durations are trace time (<c>ts=</c>), <c>events</c> when they are counts of lines (no timestamps).</summary>
    public required string Clock { get; init; }

    /// <summary>Blocked goroutines the verdict calls leaks (<see cref="TraceSummary.Leaks"/>).</summary>
    public required long Leaks { get; init; }

    /// <summary>Blocked goroutines that look leaked with too little history to be sure (<see cref="TraceSummary.Likely"/>).</summary>
    public required long Likely { get; init; }

    /// <summary>Blocked goroutines waiting within what the trace shows is normal for them (<see cref="TraceSummary.WaitingGroups"/>).</summary>
    public required long Waiting { get; init; }

    /// <summary>Releases of goroutines whose park the trace never saw (it was attached mid-flight): evidence that the program runs, nothing more.</summary>
    public required long UntrackedReleases { get; init; }
}
