using GoTraceEngine.Reporting;

namespace GoTraceEngine.Cli;

/// <summary>
/// What the dashboard shows at one refresh, filled on the engine's thread and read on the display's. Pooled: once
/// warm, taking a snapshot allocates nothing (its arrays, its dictionary and its group counter are reused).
/// </summary>
internal sealed class WatchSnapshot
{
    public const int TopGroups = 5;

    private readonly BlockedGroupCounter _counter = new(TopGroups);

    public long Events { get; private set; }

    public long Lines { get; private set; }

    public long Bytes { get; private set; }

    public int Live { get; private set; }

    public int Blocked { get; private set; }

    public long DataLoss { get; private set; }

    public long ProbeErrors { get; private set; }

    public long Late { get; private set; }

    public long LastTimestamp { get; private set; }

    public double Seconds { get; private set; }

    /// <summary>Seconds since input last arrived.</summary>
    public double IdleSeconds { get; private set; }

    /// <summary>Timestamped events read but held back by the reorder window: the figures above do not include them yet.</summary>
    public int Pending { get; private set; }

    /// <summary>Blocked goroutines per reason name (the engine's own counts; the names are the tables' strings, so reuse allocates nothing).</summary>
    public Dictionary<string, long> BlockedByReason { get; } = new(64, StringComparer.Ordinal);

    /// <summary>The biggest groups of blocked goroutines, biggest first (the report's grouping: start function, creator, reason).</summary>
    public BlockedGroupCount[] Groups { get; } = new BlockedGroupCount[TopGroups];

    public int GroupCount { get; private set; }

    /// <summary>Blocked goroutines the verdict calls leaks now (and past --leak-after).</summary>
    public long Leaked { get; private set; }

    /// <summary>Copies the engine's state. Runs on the engine's thread, between feeds.</summary>
    public void Fill(TraceEngine engine, double seconds, double idleSeconds)
    {
        IdleSeconds = idleSeconds;
        Pending = engine.PendingEvents;
        Events = engine.EventsRead;
        Lines = engine.LinesRead;
        Bytes = engine.BytesRead;
        Live = engine.Live.Count;
        Blocked = engine.Blocked.Count;
        DataLoss = engine.GetLineCount(Parsing.LineCategory.DataLoss);
        ProbeErrors = engine.GetLineCount(Parsing.LineCategory.ProbeError);
        Late = engine.LateEvents;
        Seconds = seconds;
        BlockedByReason.Clear();
        foreach ((string reason, long count) in engine.BlockedByReason)
        {
            BlockedByReason[reason] = count;
        }

        ReadOnlySpan<BlockedGroupCount> groups = _counter.Count(engine);
        groups.CopyTo(Groups);
        Leaked = _counter.TotalLeaked;
        GroupCount = groups.Length;
        long last = 0;
        foreach (BlockedGroupCount group in groups)
        {
            last = Math.Max(last, group.OldestParkTimestamp ?? 0);
        }

        LastTimestamp = Math.Max(last, engine.LatestTimestamp);
    }
}
