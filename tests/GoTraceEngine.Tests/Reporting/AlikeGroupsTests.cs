using System.Text;
using GoTraceEngine.Reporting;
using GoTraceEngine.Tests.Infrastructure;

namespace GoTraceEngine.Tests.Reporting;

/// <summary>
/// Leak groups as a reader meets them: one per go statement in the source. The instantiations of a generic function
/// each have their own go statement in the binary (their own gopc), yet Go's dump prints them alike; two go statements
/// of one function in one creator print apart by their file:line, and the timeline keeps their parks apart.
/// </summary>
public sealed class AlikeGroupsTests
{
    private const string Symbols = """
        # gotrace site 0x10 main.Gather[...] /src/main.go:27
        # gotrace site 0x20 main.Gather[...] /src/main.go:27
        # gotrace site 0x30 main.Gather[...] /src/main.go:31

        """;

    [Fact]
    public void InstantiationsOfOneGenericGoStatement_AreOneGroup_OfTheirSummedCount()
    {
        // Gather[int] leaks 2 from its copy of the go statement at main.go:27, Gather[string] 1 from its own copy.
        TraceSummary summary = Replays.Whole(Symbols + Leaks(("0x10", "main.Gather[go.shape.int].func1", 2), ("0x20", "main.Gather[go.shape.string].func1", 1)));

        LeakGroup group = Assert.Single(summary.LeakGroups);
        Assert.Equal(("main.Gather[...].func1", "main.Gather[...]", "/src/main.go:27", 3L), (group.StartFunction, group.Creator, group.CreatedAt, group.Count));

        // The example is the longest blocked of them all: the first to park, from the int instantiation.
        Assert.Equal(0xc0000000000UL, group.ExampleG);
        Assert.Equal(3, summary.Leaks.Count);
        Assert.StartsWith("gotrace: 3 leaked goroutines in 1 group ", Replays.Text(summary), StringComparison.Ordinal);
    }

    [Fact]
    public void InstantiationsOfOneGenericGoStatement_AreOneDashboardRow()
    {
        var engine = new TraceEngine();
        engine.Feed(Encoding.UTF8.GetBytes(Symbols + Leaks(("0x10", "main.Gather[go.shape.int].func1", 2), ("0x20", "main.Gather[go.shape.string].func1", 1))));
        engine.Complete();

        var counter = new BlockedGroupCounter(10);
        BlockedGroupCount row = Assert.Single(counter.Count(engine).ToArray());
        Assert.Equal(("main.Gather[...].func1", "main.Gather[...]", 3L, 3L), (row.StartFunction, row.Creator, row.Count, row.Leaked));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void WithoutTimestamps_AJoinedWaitingGroupsExample_IsTheFirstToPark(bool intsFirst)
    {
        // Two instantiations' goroutines wait (young, and a release came after their parks); whichever parked first is
        // the joined group's example, wherever the blocked table happens to hold it.
        string ints = "newproc1: goroutine=c100 gopc=0x10 fn=main.Gather[go.shape.int].func1 creator=main.Gather[go.shape.int]\ngopark: goroutine=c100 reason=6 obj=e1\n";
        string strings = "newproc1: goroutine=c200 gopc=0x20 fn=main.Gather[go.shape.string].func1 creator=main.Gather[go.shape.string]\ngopark: goroutine=c200 reason=6 obj=e2\n";
        const string Released = "newproc1: goroutine=c900 fn=main.handle creator=main.serve\ngopark: goroutine=c900 reason=6 obj=e9\nready: goroutine=c900\n";
        TraceSummary summary = Replays.Whole(Symbols + (intsFirst ? ints + strings : strings + ints) + Released);

        LeakGroup waiting = Assert.Single(summary.WaitingGroups, g => g.StartFunction == "main.Gather[...].func1");
        Assert.Equal((2L, intsFirst ? 0xc100UL : 0xc200UL), (waiting.Count, waiting.ExampleG));
    }

    [Fact]
    public void Dashboard_ARowGoneSinceTheLastCount_IsNotShownAgain()
    {
        // Three groups, then the biggest is released and the second grows: two rows, both as they are now.
        // Without timestamps, so that each feed is applied at once (no reorder window holds it).
        string before = string.Concat(Blocked("a1", "main.a"), Blocked("a2", "main.a"), Blocked("a3", "main.a"), Blocked("b1", "main.b"), Blocked("b2", "main.b"), Blocked("c1", "main.c"));
        string after = "ready: goroutine=a1\nready: goroutine=a2\nready: goroutine=a3\n" + Blocked("b3", "main.b");
        var engine = new TraceEngine();
        var counter = new BlockedGroupCounter(2);
        engine.Feed(Encoding.UTF8.GetBytes(before));
        Assert.Equal(["main.a", "main.b"], counter.Count(engine).ToArray().Select(r => r.StartFunction));
        engine.Feed(Encoding.UTF8.GetBytes(after));
        Assert.Equal([("main.b", 3L), ("main.c", 1L)], counter.Count(engine).ToArray().Select(r => (r.StartFunction!, r.Count)));

        static string Blocked(string g, string function) =>
            $"newproc1: goroutine={g} fn={function} creator=main.main\ngopark: goroutine={g} reason=7 obj=e{function[^1]}\n";
    }

    [Fact]
    public void TwoGoStatementsOfOneFunctionInOneCreator_AreTwoGroups_AndTheTimelineKeepsTheirParksApart()
    {
        var engine = new TraceEngine(new TraceEngineOptions { TimelinePoints = 64 });
        engine.Feed(Encoding.UTF8.GetBytes(Symbols + Leaks(("0x10", "main.Gather[go.shape.int].func1", 2), ("0x30", "main.Gather[go.shape.int].func1", 3))));
        engine.Complete();
        TraceSummary summary = engine.GetSummary();

        Assert.Equal([("/src/main.go:31", 3L), ("/src/main.go:27", 2L)], summary.LeakGroups.Select(g => (g.CreatedAt, g.Count)));
        Timeline timeline = engine.GetTimeline();
        Assert.Equal([3, 2], timeline.Markers.Select(m => m.ParkedAt.Count));
        Assert.Equal(
            ["main.Gather[...].func1: chan send from main.Gather[...] at /src/main.go:31", "main.Gather[...].func1: chan send from main.Gather[...] at /src/main.go:27"],
            timeline.Markers.Select(m => m.Label));
        Assert.Equal(summary.LeakGroups, timeline.Markers.Select(m => m.Group));
    }

    /// <summary>Goroutines created at each site, in turn, parked on channels of their own and never released; then 5 s of nothing.</summary>
    private static string Leaks(params (string Gopc, string Function, int Count)[] sites)
    {
        var text = new StringBuilder();
        long ts = 1_000_000_000;
        int g = 0;
        foreach ((string gopc, string function, int count) in sites)
        {
            for (int i = 0; i < count; i++, g++, ts += 1_000_000)
            {
                text.Append($"newproc1: ts={ts} goroutine=c0{g:x2}0000000 goid={20 + g} gopc={gopc} fn={function} creator=main.Gather[go.shape.int]\n");
                text.Append($"gopark: ts={ts + 1} goroutine=c0{g:x2}0000000 reason=6 obj=e0{g:x2}00\n");
            }
        }

        text.Append($"END: ts={ts + 5_000_000_000}\n");
        return text.ToString();
    }
}
