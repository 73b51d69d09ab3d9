namespace GoTraceEngine.State;

/// <summary>A live goroutine parked with a blocking reason and not made runnable since.</summary>
/// <param name="GPointer">The address of its <c>g</c> struct.</param>
/// <param name="Reason">The park's reason code, in the numbering of the engine's <see cref="ReasonTable"/>.</param>
/// <param name="ParkLineNumber">The 1-based line of the park that blocked it.</param>
/// <param name="ParkTimestamp">The park's <c>ts=</c> in nanoseconds, or null when the trace has no timestamps.</param>
/// <param name="WaitObject">The address it parked on (<c>obj=</c>), or null.</param>
/// <param name="WaitReason">The runtime's waitReason code (<c>wait=</c>), or null.</param>
public readonly record struct BlockedGoroutine(
    ulong GPointer, byte Reason, long ParkLineNumber, long? ParkTimestamp = null, ulong? WaitObject = null, byte? WaitReason = null)
{
    /// <summary>The reason's name, from the table in force when it parked (a later header does not rename it).</summary>
    public string ReasonName => ReasonKeys.Name(Key);

    /// <summary>The reason's numbering-independent key: what counts and groups use.</summary>
    internal byte Key { get; init; }

    internal static BlockedGoroutine From(ulong g, in BlockedValue value) => new(
        g,
        value.Reason,
        value.ParkLineNumber,
        (value.Flags & BlockedFlags.Timestamp) != 0 ? value.ParkTimestamp : null,
        (value.Flags & BlockedFlags.WaitObject) != 0 ? value.WaitObject : null,
        (value.Flags & BlockedFlags.WaitReason) != 0 ? value.WaitReason : null)
    {
        Key = value.Key,
    };
}
