namespace GoTraceEngine.State;

/// <summary>What the live table stores per goroutine (the key, the g pointer, is stored by the table).</summary>
internal struct LiveValue
{
    public ulong Parent;
    public long CreateLineNumber;
    public long CreateTimestamp;
    public long GoId;
    public int StartFunction;
    public int Creator;
}
