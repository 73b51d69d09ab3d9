namespace GoTraceEngine.Parsing;

/// <summary>Which optional fields a <see cref="TraceEvent"/> carries: the tracer script decides what it prints.</summary>
/// <remarks>
/// One documented flag a line: the members are alike by nature, so <c>duplicates</c> pairing runs of them is a
/// deliberate exception.
/// </remarks>
[Flags]
public enum TraceEventFields : ushort
{
    /// <summary>No optional field.</summary>
    None = 0,

    /// <summary><see cref="TraceEvent.Parent"/> was printed (<c>parent=</c>).</summary>
    Parent = 1 << 0,

    /// <summary><see cref="TraceEvent.Reason"/> was printed (<c>reason=</c>).</summary>
    Reason = 1 << 1,

    /// <summary><see cref="TraceEvent.ScriptCount"/> was printed (<c>count=</c>).</summary>
    ScriptCount = 1 << 2,

    /// <summary><see cref="TraceEvent.ScriptBlockedCount"/> was printed (<c>blocked_count=</c>).</summary>
    ScriptBlockedCount = 1 << 3,

    /// <summary><see cref="TraceEvent.ScriptBlocked"/> was printed (<c>blocked=</c>).</summary>
    ScriptBlocked = 1 << 4,

    /// <summary><see cref="TraceEvent.Timestamp"/> was printed (<c>ts=</c>).</summary>
    Timestamp = 1 << 5,

    /// <summary><see cref="TraceEvent.GoId"/> was printed (<c>goid=</c>).</summary>
    GoId = 1 << 6,

    /// <summary><see cref="TraceEvent.StartFunction"/> was printed (<c>fn=</c>).</summary>
    StartFunction = 1 << 7,

    /// <summary><see cref="TraceEvent.Creator"/> was printed (<c>creator=</c>).</summary>
    Creator = 1 << 8,

    /// <summary><see cref="TraceEvent.WaitObject"/> was printed (<c>obj=</c>).</summary>
    WaitObject = 1 << 9,

    /// <summary><see cref="TraceEvent.WaitReason"/> was printed (<c>wait=</c>).</summary>
    WaitReason = 1 << 10,

    /// <summary><see cref="TraceEvent.CreatorPc"/> was printed (<c>gopc=</c>).</summary>
    CreatorPc = 1 << 11,

    /// <summary>
    /// <see cref="TraceEvent.BlockedSince"/> was printed (<c>since=</c>): a park of a goroutine found blocked when the
    /// trace began, which has waited since about then.
    /// </summary>
    BlockedSince = 1 << 12,
}
