using System.Text;
using GoTraceEngine.Reporting;

namespace GoTraceEngine.Tests.Reporting;

public sealed class TimelineTests
{
    [Fact]
    public void GetTimeline_AfterAHeaderChangesTheReasonTable_StacksTheHeadersReasons()
    {
        var engine = new TraceEngine(new TraceEngineOptions { TimelinePoints = 100 });
        engine.Feed(Encoding.ASCII.GetBytes(
            "# gotrace tracer=bpftrace os=linux arch=amd64 go=go1.20.1 reasons=trace\n" +
            "newproc1: ts=1000 goroutine=c000 fn=main.f\ngopark: ts=2000 goroutine=c000 reason=23\nEND: ts=3000\n"));
        engine.Complete();
        Timeline timeline = engine.GetTimeline();
        Assert.Contains("chan receive", timeline.Reasons);
        int index = timeline.Reasons.ToList().IndexOf("chan receive");
        Assert.Equal(1, timeline.Points[^1].BlockedByReason[index]);
        Assert.Equal("ns", timeline.Axis);
        Assert.Equal(2000, Assert.Single(timeline.Markers).X);
    }

    [Fact]
    public void GetTimeline_LongTrace_KeepsAtMostTheMaximumPoints()
    {
        var engine = new TraceEngine(new TraceEngineOptions { TimelinePoints = 64 });
        var text = new StringBuilder();
        for (int i = 0; i < 10_000; i++)
        {
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"newproc1: goroutine={0xc000000000UL + ((ulong)i << 9):x}\n");
        }

        engine.Feed(Encoding.ASCII.GetBytes(text.ToString()));
        engine.Complete();
        Timeline timeline = engine.GetTimeline();
        Assert.InRange(timeline.Points.Count, 16, 65);
        Assert.Equal("line", timeline.Axis);
        Assert.Equal(10_000, timeline.Points[^1].Live);
        Assert.True(timeline.Points.Zip(timeline.Points.Skip(1)).All(p => p.First.X < p.Second.X));
    }

    [Fact]
    public void GetTimeline_LeaksParkAtDifferentTimes_LeakedStepsUpAtEachParkAndNeverDecreases()
    {
        var engine = new TraceEngine(new TraceEngineOptions { TimelinePoints = 100 });
        engine.Feed(Encoding.ASCII.GetBytes(
            "newproc1: ts=1000000000 goroutine=c000 fn=main.a creator=main.main\n" +
            "newproc1: ts=1100000000 goroutine=c200 fn=main.b creator=main.main\n" +
            "newproc1: ts=1200000000 goroutine=c400 fn=main.b creator=main.main\n" +
            "newproc1: ts=1300000000 goroutine=c600 fn=main.c creator=main.main\n" +
            "gopark: ts=2000000000 goroutine=c000 reason=6\n" +
            "gopark: ts=3000000000 goroutine=c600 reason=6\n" +
            "ready: ts=3500000000 goroutine=c600\n" +
            "godestroy: ts=3600000000 goroutine=c600\n" +
            "gopark: ts=5000000000 goroutine=c200 reason=7\n" +
            "gopark: ts=7000000000 goroutine=c400 reason=7\n" +
            "END: ts=9000000000\n"));
        engine.Complete();
        Timeline timeline = engine.GetTimeline();
        TraceSummary summary = engine.GetSummary();
        Assert.Equal(3, summary.Leaks.Count);

        // The goroutine parked at 3 s was released: it never counts as leaked.
        long LeakedAt(long x) => timeline.Points.Last(p => p.X <= x).Leaked;
        Assert.Equal(0, LeakedAt(1_999_000_000));
        Assert.Equal(1, LeakedAt(2_000_000_000));
        Assert.Equal(1, LeakedAt(4_999_000_000));
        Assert.Equal(2, LeakedAt(5_000_000_000));
        Assert.Equal(3, LeakedAt(7_000_000_000));
        Assert.Equal(3, timeline.Points[^1].Leaked);
        Assert.True(timeline.Points.Zip(timeline.Points.Skip(1)).All(p => p.First.Leaked <= p.Second.Leaked));

        // One marker per leak group, in the report's order (biggest first), each with every park of its leaks.
        Assert.Equal(summary.LeakGroups, timeline.Markers.Select(m => m.Group));
        TimelineMarker b = timeline.Markers[0];
        Assert.Equal("main.b: chan receive", b.Label);
        Assert.Equal([5_000_000_000L, 7_000_000_000L], b.ParkedAt);
        Assert.Equal(5_000_000_000, b.X);
        Assert.Equal([2_000_000_000L], timeline.Markers[1].ParkedAt);
    }

    [Fact]
    public void GetTimeline_TwoGroupsShareStartFunctionAndReason_LabelsNameTheCreators()
    {
        var engine = new TraceEngine(new TraceEngineOptions { TimelinePoints = 100 });
        engine.Feed(Encoding.ASCII.GetBytes(
            "newproc1: ts=1000000000 goroutine=c000 fn=main.work creator=main.a\n" +
            "newproc1: ts=1100000000 goroutine=c200 fn=main.work creator=main.b\n" +
            "newproc1: ts=1200000000 goroutine=c400 fn=main.other creator=main.b\n" +
            "gopark: ts=2000000000 goroutine=c000 reason=6\n" +
            "gopark: ts=2100000000 goroutine=c200 reason=6\n" +
            "gopark: ts=2200000000 goroutine=c400 reason=6\n" +
            "END: ts=3000000000\n"));
        engine.Complete();
        Assert.Equal(
            ["main.other: chan send", "main.work: chan send from main.a", "main.work: chan send from main.b"],
            engine.GetTimeline().Markers.Select(m => m.Label).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void WriteCsv_Leaks_AddsTheLeakedColumnBeforeTheGroupsStarting()
    {
        var engine = new TraceEngine(new TraceEngineOptions { TimelinePoints = 100 });
        engine.Feed(Encoding.ASCII.GetBytes(
            "newproc1: ts=1000000000 goroutine=c000 fn=main.a\ngopark: ts=2000000000 goroutine=c000 reason=6\nEND: ts=3000000000\n"));
        engine.Complete();
        var csv = new StringWriter();
        TimelineWriter.WriteCsv(engine.GetTimeline(), csv);
        string[] rows = csv.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.EndsWith(",leaked,leaks_starting", rows[0], StringComparison.Ordinal);
        Assert.Equal("1000000000,1,0,0", Columns(rows[1], "x_ns", "live", "blocked", "leaked"));
        Assert.Equal("2000000000,1,1,1", Columns(rows[2], "x_ns", "live", "blocked", "leaked"));
        Assert.EndsWith(",1,main.a: chan send", rows[2], StringComparison.Ordinal);

        string Columns(string row, params string[] names)
        {
            string[] header = rows[0].Split(',');
            string[] cells = row.Split(',');
            return string.Join(',', names.Select(n => cells[Array.IndexOf(header, n)]));
        }
    }
}
