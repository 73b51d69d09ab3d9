namespace GoTraceEngine.State;

/// <summary>What the live table stores per goroutine (the key, the g pointer, is stored by the table).</summary>
internal struct LiveValue : IRecordSource<LiveValue, GoroutineRecord>
{
    private const uint BlockedBit = 1u << 31;

    // Creator keys use bits 0-20 (a name id, below NameTable.MaxNames) and 30 (CreatorSites.SiteFlag).
    private const uint OlderParkedBit = 1u << 29;
    private const uint FlagBits = BlockedBit | OlderParkedBit;

    public ulong Parent;
    public long CreateLineNumber;
    /// <summary>The <c>ts=</c> of the last event applied to this goroutine (create, park, ready): a late event older than it is stale.</summary>
    public long LastTimestamp;
    public long GoId;
    public int StartFunction;
    private uint _creatorAndFlags;

    /// <summary>The interned creator key (a name id or a go statement's, <see cref="CreatorSites"/>; never using the flag bits).</summary>
    public int Creator
    {
        readonly get => (int)(_creatorAndFlags & ~FlagBits);
        set => _creatorAndFlags = (_creatorAndFlags & FlagBits) | (uint)value;
    }

    /// <summary>Whether the goroutine is in the blocked table: only then does a ready, park or destroy touch it.</summary>
    public bool IsBlocked
    {
        readonly get => (_creatorAndFlags & BlockedBit) != 0;
        set => _creatorAndFlags = value ? _creatorAndFlags | BlockedBit : _creatorAndFlags & ~BlockedBit;
    }

    /// <summary>
    /// A goroutine created before the trace whose first blocking park the trace already saw. That park may be an
    /// independent episode of its group; its later ones are not (see <see cref="Verdict.LeakVerdict.OnRelease"/>).
    /// </summary>
    public bool OlderParked
    {
        readonly get => (_creatorAndFlags & OlderParkedBit) != 0;
        set => _creatorAndFlags = value ? _creatorAndFlags | OlderParkedBit : _creatorAndFlags & ~OlderParkedBit;
    }

    public static GoroutineRecord ToRecord(ulong gPointer, in LiveValue value) => GoroutineRecord.From(gPointer, value);
}
