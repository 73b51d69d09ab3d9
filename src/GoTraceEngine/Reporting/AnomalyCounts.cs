namespace GoTraceEngine.Reporting;

/// <summary>Events that contradict the tables; each is counted, none stops the run.</summary>
/// <remarks>Members are <c>required init</c>, so the type can grow without breaking binary compatibility.</remarks>
public sealed record AnomalyCounts
{
    /// <summary>Creates of a g that was still live: its destroy was lost or printed out of order.</summary>
    public required long MissedDestroy { get; init; }

    /// <summary>Parks of a g never seen created (older than the trace).</summary>
    public required long UntrackedPark { get; init; }

    /// <summary>
    /// Of <see cref="UntrackedPark"/>, the goroutines followed from that park on: created before the trace, and named by
    /// the park (<c>fn=</c>, which the bundled scripts print when attached to a running program).
    /// </summary>
    public long Adopted { get; init; }

    /// <summary>Readies of a g never seen created.</summary>
    public required long UntrackedReady { get; init; }

    /// <summary>Destroys of a g never seen created.</summary>
    public required long UntrackedDestroy { get; init; }

    /// <summary>All anomalies.</summary>
    public long Total => MissedDestroy + UntrackedPark + UntrackedReady + UntrackedDestroy;
}
