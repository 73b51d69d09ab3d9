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
}
