namespace GoTraceEngine.Parsing;

/// <summary>Which optional fields a <see cref="TraceEvent"/> carries: the tracer script decides what it prints.</summary>
[Flags]
public enum TraceEventFields : byte
{
    /// <summary>No optional field.</summary>
    None = 0,

    /// <summary><see cref="TraceEvent.Parent"/> was printed (<c>parent=</c>).</summary>
    Parent = 1,

    /// <summary><see cref="TraceEvent.Reason"/> was printed (<c>reason=</c>).</summary>
    Reason = 2,

    /// <summary><see cref="TraceEvent.ScriptCount"/> was printed (<c>count=</c>).</summary>
    ScriptCount = 4,

    /// <summary><see cref="TraceEvent.ScriptBlockedCount"/> was printed (<c>blocked_count=</c>).</summary>
    ScriptBlockedCount = 8,

    /// <summary><see cref="TraceEvent.ScriptBlocked"/> was printed (<c>blocked=</c>).</summary>
    ScriptBlocked = 16,
}
