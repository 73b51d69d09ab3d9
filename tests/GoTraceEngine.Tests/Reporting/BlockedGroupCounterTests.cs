using GoTraceEngine.Generation;
using GoTraceEngine.Reporting;

namespace GoTraceEngine.Tests.Reporting;

public sealed class BlockedGroupCounterTests
{
    [Fact]
    public void Count_AgreesWithTheReportsGroups()
    {
        // The dashboard's group counts and the report come from two walks of the blocked table: a group's blocked
        // goroutines are its leaks, likely leaks and waiting ones in the report, and its leaked ones the report's leaks.
        using var stream = new MemoryStream();
        new BusyTraceGenerator(new BusyTraceOptions { Seed = 11, Live = 3000, Duration = TimeSpan.FromSeconds(30), LeakIncidentsPerMinute = 12 }).Write(stream);
        var engine = new TraceEngine();
        engine.Feed(stream.ToArray());
        engine.Complete();
        TraceSummary summary = engine.GetSummary();

        var counter = new BlockedGroupCounter(10_000);
        ReadOnlySpan<BlockedGroupCount> groups = counter.Count(engine);

        var expected = new Dictionary<(string?, string?, string), (long Count, long Leaked)>();
        void Add(IReadOnlyList<LeakGroup> list, bool leaked)
        {
            foreach (LeakGroup g in list)
            {
                var key = (g.StartFunction, g.Creator, g.Reason);
                (long count, long leaks) = expected.GetValueOrDefault(key);
                expected[key] = (count + g.Count, leaks + (leaked ? g.Count : 0));
            }
        }

        Add(summary.LeakGroups, leaked: true);
        Add(summary.LikelyGroups, leaked: false);
        Add(summary.WaitingGroups, leaked: false);

        Assert.True(summary.Leaks.Count > 0, "the trace has leaks");
        Assert.Equal(summary.Leaks.Count, counter.TotalLeaked);
        Assert.Equal(expected.Count, groups.Length);
        Assert.Equal(summary.Blocked, expected.Values.Sum(v => v.Count));
        foreach (BlockedGroupCount g in groups)
        {
            Assert.Equal(expected[(g.StartFunction, g.Creator, g.Reason)], (g.Count, g.Leaked));
        }
    }
}
