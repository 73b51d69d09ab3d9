using GoTraceEngine.State;

namespace GoTraceEngine.Cli;

/// <summary>
/// What the dashboard shows at one refresh, filled on the engine's thread and read on the display's. Pooled: once
/// warm, taking a snapshot allocates nothing (its arrays and its grouping dictionary are reused).
/// </summary>
internal sealed class WatchSnapshot
{
    public const int TopGroups = 5;

    private readonly Dictionary<(int Fn, int Creator, string Reason), (long Count, long OldestPark)> _groups = new(64);

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

    /// <summary>Blocked goroutines per reason name (the names are the tables' own strings: reusing the dictionary allocates nothing).</summary>
    public Dictionary<string, long> BlockedByReason { get; } = new(64, StringComparer.Ordinal);

    /// <summary>The biggest groups of blocked goroutines: start function, creator, reason, count, oldest park time.</summary>
    public (string? Fn, string? Creator, string Reason, long Count, long OldestPark)[] Groups { get; } = new (string?, string?, string, long, long)[TopGroups];

    public int GroupCount { get; private set; }

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
        _groups.Clear();
        long last = 0;
        foreach (BlockedGoroutine blocked in engine.Blocked)
        {
            string reason = blocked.ReasonName;
            BlockedByReason[reason] = BlockedByReason.GetValueOrDefault(reason) + 1;
            engine.Live.TryGet(blocked.GPointer, out GoroutineRecord record);
            var key = (record.StartFunction, record.Creator, reason);
            long park = blocked.ParkTimestamp ?? 0;
            last = Math.Max(last, park);
            _groups[key] = _groups.TryGetValue(key, out var group)
                ? (group.Count + 1, park == 0 ? group.OldestPark : group.OldestPark == 0 ? park : Math.Min(group.OldestPark, park))
                : (1, park);
        }

        LastTimestamp = Math.Max(last, engine.LatestTimestamp);
        GroupCount = 0;
        Array.Clear(Groups);
        foreach (KeyValuePair<(int Fn, int Creator, string Reason), (long Count, long OldestPark)> pair in _groups)
        {
            // Keep the biggest few without sorting (no allocation): insert into the small fixed array.
            int at = GroupCount < TopGroups ? GroupCount++ : TopGroups - 1;
            if (at == TopGroups - 1 && GroupCount == TopGroups && Groups[at].Count >= pair.Value.Count)
            {
                continue;
            }

            Groups[at] = (Name(engine, pair.Key.Fn), Name(engine, pair.Key.Creator), pair.Key.Reason, pair.Value.Count, pair.Value.OldestPark);
            while (at > 0 && Groups[at - 1].Count < Groups[at].Count)
            {
                (Groups[at - 1], Groups[at]) = (Groups[at], Groups[at - 1]);
                at--;
            }
        }
    }

    private static string? Name(TraceEngine engine, int id) => id == 0 ? null : engine.GetFunctionName(id);
}
