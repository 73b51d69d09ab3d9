namespace GoTraceEngine.State;

/// <summary>What the blocked table stores per goroutine (the key, the g pointer, is stored by the table).</summary>
internal struct BlockedValue : IRecordSource<BlockedValue, BlockedGoroutine>
{
    public long ParkLineNumber;
    public long ParkTimestamp;
    public ulong WaitObject;

    /// <summary>The park's group in the <see cref="Verdict.LeakVerdict"/> (its index).</summary>
    public int Group;
    public byte Reason;

    /// <summary>The reason's numbering-independent key (<see cref="ReasonKeys"/>): what counts and groups use.</summary>
    public byte Key;
    public byte WaitReason;
    public BlockedFlags Flags;

    public static BlockedGoroutine ToRecord(ulong gPointer, in BlockedValue value) => BlockedGoroutine.From(gPointer, value);
}

/// <summary>Which optional values a blocked record has.</summary>
[Flags]
internal enum BlockedFlags : byte
{
    None = 0,
    Timestamp = 1,
    WaitObject = 2,
    WaitReason = 4,

    /// <summary>
    /// A later park of a goroutine created before the trace: not its first blocking park the trace saw. Its release is
    /// no independent episode of its group (<see cref="Verdict.LeakVerdict.OnRelease"/>).
    /// </summary>
    OlderRepeat = 8,

    /// <summary>
    /// Found blocked as the trace began (a park with <c>since=</c>: read from the process's memory as the probes
    /// attached): it was not seen to park, so a trace that releases nothing says nothing about it while the program runs.
    /// </summary>
    FoundBlocked = 16,
}
