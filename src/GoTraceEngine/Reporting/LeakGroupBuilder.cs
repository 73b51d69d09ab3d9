namespace GoTraceEngine.Reporting;

/// <summary>Groups leak suspects the way a person scans for the culprit: by where they started, and by what they wait on.</summary>
internal static class LeakGroupBuilder
{
    /// <summary>Groups by (start function, creator, reason); biggest first, then longest blocked.</summary>
    public static IReadOnlyList<LeakGroup> ByFunction(IReadOnlyList<LeakSuspect> leaks)
    {
        var groups = new Dictionary<(string?, string?, string), (long Count, long? Oldest, LeakSuspect Example)>();
        foreach (LeakSuspect leak in leaks)
        {
            // By the reason's name, not its code: a header that switches numbering mid-trace must not split a group.
            var key = (leak.StartFunction, leak.Creator, leak.Reason);
            if (groups.TryGetValue(key, out var group))
            {
                bool older = leak.BlockedNs > (group.Oldest ?? -1);
                groups[key] = (group.Count + 1, older ? leak.BlockedNs : group.Oldest, older ? leak : group.Example);
            }
            else
            {
                groups[key] = (1, leak.BlockedNs, leak);
            }
        }

        var result = new List<LeakGroup>(groups.Count);
        foreach (var ((fn, creator, _), (count, oldest, example)) in groups)
        {
            result.Add(new LeakGroup(fn, creator, example.Reason, example.ReasonCode, count, oldest, example.G));
        }

        result.Sort(static (a, b) =>
            a.Count != b.Count ? b.Count.CompareTo(a.Count)
            : (a.OldestBlockedNs ?? -1) != (b.OldestBlockedNs ?? -1) ? (b.OldestBlockedNs ?? -1).CompareTo(a.OldestBlockedNs ?? -1)
            : string.CompareOrdinal(a.StartFunction, b.StartFunction) is var byName && byName != 0 ? byName
            : a.ReasonCode.CompareTo(b.ReasonCode));
        return result;
    }

    /// <summary>Groups suspects that printed <c>obj=</c> by that address; biggest first.</summary>
    public static IReadOnlyList<WaitObjectGroup> ByWaitObject(IReadOnlyList<LeakSuspect> leaks)
    {
        var groups = new Dictionary<ulong, (long Count, LeakSuspect First)>();
        foreach (LeakSuspect leak in leaks)
        {
            if (leak.Obj is not { } obj || obj == 0)
            {
                continue;
            }

            groups[obj] = groups.TryGetValue(obj, out var group) ? (group.Count + 1, group.First) : (1, leak);
        }

        var result = new List<WaitObjectGroup>(groups.Count);
        foreach (var (obj, (count, first)) in groups)
        {
            result.Add(new WaitObjectGroup(obj, count, first.Reason, first.ReasonCode, first.StartFunction, first.G));
        }

        result.Sort(static (a, b) => a.Count != b.Count ? b.Count.CompareTo(a.Count) : a.Obj.CompareTo(b.Obj));
        return result;
    }
}
