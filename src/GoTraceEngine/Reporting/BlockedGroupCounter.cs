using GoTraceEngine.State;

namespace GoTraceEngine.Reporting;

/// <summary>
/// Finds the groups of blocked goroutines (by <see cref="LeakGroupKey"/>, the report's own grouping, joined by what a
/// row prints: start function, creator and reason) with the most leaks by the verdict (then the most blocked), for a
/// dashboard that refreshes several times a second: reuse one counter, and after the first refreshes counting allocates
/// nothing.
/// </summary>
/// <param name="top">How many groups to keep (the biggest).</param>
/// <remarks>Not thread-safe; call it between feeds, from the thread that feeds the engine.</remarks>
public sealed class BlockedGroupCounter(int top)
{
    private readonly Dictionary<LeakGroupKey, (long Count, long Leaked, long OldestPark)> _groups = new(64);
    private readonly Dictionary<(string? StartFunction, string? Creator, byte Reason), (long Count, long Leaked, long OldestPark)> _printed = new(64);
    private readonly BlockedGroupCount[] _top = new BlockedGroupCount[Math.Max(1, top)];
    private int _count;

    /// <summary>Leaked goroutines in every group at the last <see cref="Count"/> (not only the groups kept).</summary>
    public long TotalLeaked { get; private set; }

    /// <summary>The groups found by the last <see cref="Count"/>, biggest first.</summary>
    public ReadOnlySpan<BlockedGroupCount> Groups => _top.AsSpan(0, _count);

    /// <summary>Counts <paramref name="engine"/>'s blocked goroutines by group and keeps the biggest.</summary>
    /// <typeparam name="TSink">The engine's sink type.</typeparam>
    /// <param name="engine">The engine.</param>
    /// <returns>The biggest groups, biggest first; valid until the next call.</returns>
    /// <exception cref="ObjectDisposedException">The engine was disposed.</exception>
    public ReadOnlySpan<BlockedGroupCount> Count<TSink>(TraceEngine<TSink> engine)
        where TSink : struct, ITraceSink
    {
        ArgumentNullException.ThrowIfNull(engine);
        engine.EnterUse();
        try
        {
            return CountGroups(engine);
        }
        finally
        {
            engine.ExitUse();
        }
    }

    private ReadOnlySpan<BlockedGroupCount> CountGroups<TSink>(TraceEngine<TSink> engine)
        where TSink : struct, ITraceSink
    {
        GoroutineState state = engine.State;
        long leakAfter = engine.Options.LeakAfter.Ticks * 100L;
        long now = engine.LatestTimestamp;
        _groups.Clear();
        for (int i = 0; i < state.Blocked.Capacity; i++)
        {
            state.PrefetchLiveAhead(i);
            ref readonly OpenTable<BlockedValue>.Entry entry = ref state.Blocked.DangerousGetEntry(i);
            if (entry.Key == 0)
            {
                continue;
            }

            ref LiveValue live = ref state.Live.GetValueRefOrNullRef(entry.Key);
            LeakGroupKey key = System.Runtime.CompilerServices.Unsafe.IsNullRef(ref live) ? new(0, 0, entry.Value.Key) : LeakGroupKey.Of(live, entry.Value);
            bool timed = (entry.Value.Flags & BlockedFlags.Timestamp) != 0;
            long park = timed ? entry.Value.ParkTimestamp : long.MaxValue;
            bool leaked = state.Classify(entry.Value).Class == Verdict.VerdictClass.Leak
                && (leakAfter == 0 || !timed || now - park >= leakAfter);
            long leak = leaked ? 1 : 0;
            _groups[key] = _groups.TryGetValue(key, out var group) ? (group.Count + 1, group.Leaked + leak, Math.Min(group.OldestPark, park)) : (1, leak, park);
        }

        // Rows as they print: the instantiations of a generic function's go statement are one row, as in the report.
        _printed.Clear();
        foreach ((LeakGroupKey key, (long count, long leaked, long oldest)) in _groups)
        {
            var printed = (
                engine.GoNames.StartFunction(key.StartFunction == 0 ? null : engine.GetFunctionName(key.StartFunction)).Function,
                engine.GoNames.Creator(key.Creator, state.Sites, engine.Names).Creator,
                key.Reason);
            _printed[printed] = _printed.TryGetValue(printed, out var seen)
                ? (seen.Count + count, seen.Leaked + leaked, Math.Min(seen.OldestPark, oldest))
                : (count, leaked, oldest);
        }

        // Keep the biggest few without sorting the rest (no allocation): insertion into the small fixed array.
        _count = 0;
        TotalLeaked = 0;
        foreach (((string? startFunction, string? creator, byte reason), (long count, long leaked, long oldest)) in _printed)
        {
            TotalLeaked += leaked;

            // Only a full array compares with its last row: until then that slot holds the previous count's row.
            bool full = _count == _top.Length;
            if (full && !Before(leaked, count, _top[^1]))
            {
                continue;
            }

            int at = full ? _top.Length - 1 : _count++;

            _top[at] = new BlockedGroupCount
            {
                StartFunction = startFunction,
                Creator = creator,
                Reason = ReasonKeys.Name(reason),
                Count = count,
                Leaked = leaked,
                OldestParkTimestamp = oldest == long.MaxValue ? null : oldest,
            };
            while (at > 0 && Before(_top[at].Leaked, _top[at].Count, _top[at - 1]))
            {
                (_top[at - 1], _top[at]) = (_top[at], _top[at - 1]);
                at--;
            }
        }

        return Groups;
    }

    /// <summary>Order: most leaks first, then most blocked.</summary>
    private static bool Before(long leaked, long count, in BlockedGroupCount other) =>
        leaked != other.Leaked ? leaked > other.Leaked : count > other.Count;
}
