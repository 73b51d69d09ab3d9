using System.Text.Json.Serialization;

namespace GoTraceEngine.Reporting;

/// <summary>A goroutine still blocked at the end of the trace, with what the verdict calls it and why.</summary>
/// <remarks>Members are <c>required init</c>, so the type can grow without breaking binary compatibility.</remarks>
public sealed record LeakSuspect
{
    /// <summary>Its g pointer.</summary>
    [JsonConverter(typeof(HexPointerJsonConverter))]
    public required ulong G { get; init; }

    /// <summary>The code of the park that blocked it.</summary>
    public required int ReasonCode { get; init; }

    /// <summary>That reason's name.</summary>
    public required string Reason { get; init; }

    /// <summary>The creator's g pointer as printed by the tracer (<c>parent=</c>), or 0.</summary>
    [JsonConverter(typeof(HexPointerJsonConverter))]
    public required ulong Parent { get; init; }

    /// <summary>The line number of the park.</summary>
    public required long Line { get; init; }

    /// <summary>
    /// Whether it was found blocked as the trace began (its park line has <c>since=</c>: <c>gotrace trace -p</c> read it
    /// from the process's memory) rather than seen to park; <see cref="Line"/> is then where it was found. Written to
    /// JSON only when true.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool FoundBlocked { get; init; }

    /// <summary>The line number of its creation; 0 for a goroutine created before the trace and followed from its first park.</summary>
    public required long CreateLine { get; init; }

    /// <summary>Its goroutine id, when the trace printed <c>goid=</c>.</summary>
    [JsonPropertyName("goid")]
    public long? GoId { get; init; }

    /// <summary>Its start function, when printed (<c>fn=</c>).</summary>
    public string? StartFunction { get; init; }

    /// <summary>The function that ran its <c>go</c> statement, when printed (<c>creator=</c>).</summary>
    public string? Creator { get; init; }

    /// <summary>How long it had been blocked at the end of the trace, when the park had <c>ts=</c>.</summary>
    public long? BlockedNs { get; init; }

    /// <summary>The address it waits on, when printed (<c>obj=</c>).</summary>
    [JsonConverter(typeof(NullableHexPointerJsonConverter))]
    public ulong? Obj { get; init; }

    /// <summary>The runtime's waitReason code, when printed (<c>wait=</c>).</summary>
    public int? WaitReasonCode { get; init; }

    /// <summary>That waitReason's name for the traced Go version.</summary>
    public string? WaitReason { get; init; }

    /// <summary>
    /// The compiler's wrapper it started in, as the tracer saw it (<c>main.startPool.gowrap1</c>), when the trace's
    /// symbol lines say <see cref="StartFunction"/> is the function that wrapper calls (what Go's tracebacks show).
    /// </summary>
    public string? StartWrapper { get; init; }

    /// <summary>Where its go statement is (<c>pool.go:21</c>, as <c>created by … at</c> in a traceback), when the trace has the site.</summary>
    public string? CreatedAt { get; init; }

    /// <summary>The goroutine id of its creator, when the creator is still live and printed <c>goid=</c>.</summary>
    public long? ParentGoId { get; init; }

    /// <summary>What the verdict calls it.</summary>
    public LeakClass Verdict { get; init; }

    /// <summary>The verdict's rule that decided (camelCase: <c>farBeyondGroupReleases</c>, <c>groupNeverReleased</c>, <c>quiesced</c>, <c>leakAfter</c>…).</summary>
    public string? Rule { get; init; }

    /// <summary>The evidence in words: "blocked 41 s; its group's releases took at most 180 ms (2 310 releases over 2 312 parks)".</summary>
    public string? Evidence { get; init; }
}
