using GoTraceEngine.Reporting;
using GoTraceEngine.State;

namespace GoTraceEngine.Tests.State;

public sealed class ReasonTableTests
{
    [Theory]
    [InlineData("1.21", 22, "chan send", true)]
    [InlineData("1.21", 23, "chan receive", true)]
    [InlineData("1.21", 24, "select", true)]
    [InlineData("1.21", 16, "forever", true)]
    [InlineData("1.21", 19, "sleep", false)]
    [InlineData("go1.19.8", 26, "sync.(*Cond).Wait", true)]
    [InlineData("1.22", 6, "chan send", true)]
    [InlineData("1.22", 2, "network", false)]
    [InlineData("1.24", 7, "chan receive", true)]
    [InlineData("1.24", 16, "synctest", false)]
    [InlineData("1.26", 3, "select", true)]
    [InlineData("1.26", 10, "system goroutine wait", false)]
    public void For_Trace_NamesAndBlockingPerEra(string go, byte code, string name, bool blocking)
    {
        Assert.True(GoVersion.TryParse(go, out GoVersion version));
        ReasonTable table = ReasonTable.For(ReasonNumbering.Trace, version);
        Assert.Equal(name, table.GetName(code));
        Assert.Equal(blocking, table.IsBlocking(code));
    }

    [Theory]
    [InlineData("1.21", 14, "chan receive", true)]
    [InlineData("1.21", 18, "semacquire", true)]
    [InlineData("1.21", 24, "trace reader (blocked)", false)]
    [InlineData("1.22", 35, "coroutine", false)]
    [InlineData("1.23", 35, "page trace flush", false)]
    [InlineData("1.24", 24, "sync.WaitGroup.Wait", true)]
    [InlineData("1.24", 25, "trace reader (blocked)", false)]
    [InlineData("1.24", 41, "chan receive (synctest)", false)]
    [InlineData("1.25", 18, "GOMAXPROCS updater (idle)", false)]
    [InlineData("1.25", 19, "semacquire", true)]
    [InlineData("1.25", 46, "cleanup wait", false)]
    [InlineData("1.26", 9, "GC scavenge wait", false)]
    [InlineData("1.26", 13, "semacquire", true)]
    [InlineData("1.26", 18, "select", true)]
    [InlineData("1.26", 19, "chan receive", true)]
    [InlineData("1.26", 20, "chan send", true)]
    [InlineData("1.26", 25, "sync.WaitGroup.Wait", true)]
    [InlineData("1.27", 22, "sync.Mutex.Lock", true)]
    public void For_Wait_NamesAndBlockingPerVersion(string go, byte code, string name, bool blocking)
    {
        Assert.True(GoVersion.TryParse(go, out GoVersion version));
        ReasonTable table = ReasonTable.For(ReasonNumbering.Wait, version);
        Assert.Equal(name, table.GetName(code));
        Assert.Equal(blocking, table.IsBlocking(code));
    }

    [Fact]
    public void For_WaitBeforeGo121_IsNotKnown()
    {
        Assert.False(ReasonTable.TryFor(ReasonNumbering.Wait, new GoVersion(1, 19), out _));
        Assert.Throws<ArgumentException>(() => ReasonTable.For(ReasonNumbering.Wait, new GoVersion(1, 20)));
    }

    [Fact]
    public void GetName_UnknownCode_IsNamedUnknownAndNotBlocking()
    {
        Assert.Equal("unknown(200)", ReasonTable.TraceBlockReason.GetName(200));
        Assert.False(ReasonTable.TraceBlockReason.IsBlocking(200));
    }

    [Theory]
    [InlineData("go=1.21 reasons=trace", 22, "chan send")]
    [InlineData("go=1.22 reasons=trace", 6, "chan send")]
    [InlineData("go=1.24 reasons=trace", 7, "chan receive")]
    [InlineData("go=1.26 reasons=trace", 3, "select")]
    [InlineData("go=1.21 reasons=wait", 15, "chan send")]
    [InlineData("go=1.22 reasons=wait", 9, "select")]
    [InlineData("go=1.24 reasons=wait", 24, "sync.WaitGroup.Wait")]
    [InlineData("go=1.25 reasons=wait", 22, "sync.Mutex.Lock")]
    [InlineData("go=1.26 reasons=wait", 19, "chan receive")]
    public void Replay_SampleTracePerNumbering_NamesTheLeakRight(string header, int code, string name)
    {
        var engine = new TraceEngine();
        engine.Feed(System.Text.Encoding.UTF8.GetBytes(
            $"# gotrace tracer=dtrace os=darwin arch=arm64 {header}\nnewproc1: goroutine=c000 fn=main.f\ngopark: goroutine=c000 reason={code}\n"));
        engine.Complete();
        TraceSummary summary = engine.GetSummary();
        LeakSuspect leak = Assert.Single(summary.Leaks);
        Assert.Equal(name, leak.Reason);
        Assert.Equal(code, leak.ReasonCode);
        Assert.Equal(name, Assert.Single(summary.LeakGroups).Reason);
    }

    [Fact]
    public void Replay_NoHeader_UsesTheOptions()
    {
        var engine = new TraceEngine(new TraceEngineOptions { GoVersion = new GoVersion(1, 25), ReasonNumbering = ReasonNumbering.Wait });
        engine.Feed("newproc1: goroutine=c000\ngopark: goroutine=c000 reason=25\n"u8);
        engine.Complete();
        Assert.Equal("sync.WaitGroup.Wait", Assert.Single(engine.GetSummary().Leaks).Reason);
        Assert.Equal("waitReason/go1.25", engine.GetSummary().ReasonTable);
    }

    [Fact]
    public void Replay_BadHeader_IsDiagnosedAndIgnored()
    {
        var engine = new TraceEngine();
        engine.Feed("# gotrace go=1.19 reasons=wait\nnewproc1: goroutine=c000\ngopark: goroutine=c000 reason=6\n"u8);
        engine.Complete();
        TraceSummary summary = engine.GetSummary();
        Assert.Equal("traceBlockReason/go1.22+", summary.ReasonTable);
        Assert.Equal(1, Assert.Single(summary.Diagnostics).Line);
        Assert.Equal("chan send", Assert.Single(summary.Leaks).Reason);
    }

    [Fact]
    public void Replay_SecondHeaderSwitchesNumbering_ReasonsKeepTheirNamesAndGroupsStayWhole()
    {
        const string Trace = """
            # gotrace tracer=bpftrace os=linux arch=amd64 go=go1.22.5 reasons=trace
            newproc1: goroutine=c000001000 goid=18 fn=main.send creator=main.main
            gopark: goroutine=c000001000 reason=6
            # gotrace tracer=bpftrace os=linux arch=amd64 go=go1.21.13 reasons=trace
            newproc1: goroutine=c000002000 goid=19 fn=main.send creator=main.main
            gopark: goroutine=c000002000 reason=22

            """;
        var engine = new TraceEngine();
        engine.Feed(System.Text.Encoding.UTF8.GetBytes(Trace));
        engine.Complete();
        TraceSummary summary = engine.GetSummary();

        Assert.Equal(2, summary.Blocked);
        Assert.Equal(new Dictionary<string, long> { ["chan send"] = 2 }, summary.BlockedByReason);
        LeakGroup group = Assert.Single(summary.LeakGroups);
        Assert.Equal(("main.send", "chan send", 2L), (group.StartFunction, group.Reason, group.Count));
        Assert.All(summary.Leaks, leak => Assert.Equal("chan send", leak.Reason));
        Assert.Equal([6, 22], summary.Leaks.Select(l => l.ReasonCode).Order());
        foreach (BlockedGoroutine blocked in engine.Blocked)
        {
            Assert.Equal("chan send", blocked.ReasonName);
        }
    }
}
