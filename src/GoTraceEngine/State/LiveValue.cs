namespace GoTraceEngine.State;

/// <summary>What the live table stores per goroutine (the key, the g pointer, is stored by the table).</summary>
internal struct LiveValue : IRecordSource<LiveValue, GoroutineRecord>
{
    private const uint BlockedBit = 1u << 31;

    public ulong Parent;
    public long CreateLineNumber;
    /// <summary>The <c>ts=</c> of the last event applied to this goroutine (create, park, ready): a late event older than it is stale.</summary>
    public long LastTimestamp;
    public long GoId;
    public int StartFunction;
    private uint _creatorAndFlags;

    /// <summary>The interned creator id (ids stay far below 2^31: the name table is capped).</summary>
    public int Creator
    {
        readonly get => (int)(_creatorAndFlags & ~BlockedBit);
        set => _creatorAndFlags = (_creatorAndFlags & BlockedBit) | (uint)value;
    }

    /// <summary>Whether the goroutine is in the blocked table: only then does a ready, park or destroy touch it.</summary>
    public bool IsBlocked
    {
        readonly get => (_creatorAndFlags & BlockedBit) != 0;
        set => _creatorAndFlags = value ? _creatorAndFlags | BlockedBit : _creatorAndFlags & ~BlockedBit;
    }

    public static GoroutineRecord ToRecord(ulong gPointer, in LiveValue value) => GoroutineRecord.From(gPointer, value);
}
