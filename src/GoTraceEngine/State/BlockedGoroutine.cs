namespace GoTraceEngine.State;

/// <summary>A live goroutine parked with a blocking reason and not made runnable since.</summary>
/// <remarks>A copy of the table's entry; members are <c>init</c>, so the type can grow without breaking binary compatibility.</remarks>
public readonly record struct BlockedGoroutine
{
    /// <summary>The address of its <c>g</c> struct.</summary>
    public ulong GPointer { get; init; }

    /// <summary>The park's reason code, in the numbering of the table in force when it parked.</summary>
    public byte Reason { get; init; }

    /// <summary>The reason's name, from the table in force when it parked (a later header does not rename it).</summary>
    public string ReasonName => ReasonKeys.Name(Key);

    /// <summary>The 1-based line of the park that blocked it.</summary>
    public long ParkLineNumber { get; init; }

    /// <summary>
    /// The park's <c>ts=</c> in nanoseconds (its <c>since=</c> for a goroutine found blocked as the trace began), or null
    /// when the trace has no timestamps.
    /// </summary>
    public long? ParkTimestamp { get; init; }

    /// <summary>The address it parked on (<c>obj=</c>), or null.</summary>
    public ulong? WaitObject { get; init; }

    /// <summary>The runtime's waitReason code (<c>wait=</c>), or null.</summary>
    public byte? WaitReason { get; init; }

    /// <summary>The reason's numbering-independent key: what counts and groups use.</summary>
    internal byte Key { get; init; }

    internal static BlockedGoroutine From(ulong g, in BlockedValue value) => new()
    {
        GPointer = g,
        Reason = value.Reason,
        Key = value.Key,
        ParkLineNumber = value.ParkLineNumber,
        ParkTimestamp = (value.Flags & BlockedFlags.Timestamp) != 0 ? value.ParkTimestamp : null,
        WaitObject = (value.Flags & BlockedFlags.WaitObject) != 0 ? value.WaitObject : null,
        WaitReason = (value.Flags & BlockedFlags.WaitReason) != 0 ? value.WaitReason : null,
    };
}
