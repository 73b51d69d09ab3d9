namespace GoTraceEngine.State;

/// <summary>What the blocked table stores per goroutine (the key, the g pointer, is stored by the table).</summary>
internal struct BlockedValue
{
    public long ParkLineNumber;
    public byte Reason;
}
