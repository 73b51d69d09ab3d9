using System.Diagnostics.Metrics;
using GoTraceEngine.Tests.Infrastructure;

namespace GoTraceEngine.Tests;

public sealed class TraceEngineMetricsTests
{
    [Fact]
    public void Create_ThenReplay_PublishesLiveBlockedByReasonEventsAndWarnings()
    {
        var engine = new TraceEngine();
        using TraceEngineMetrics metrics = TraceEngineMetrics.Create(engine);
        var values = new List<(string Instrument, long Value, Dictionary<string, object?> Tags)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == TraceEngineMetrics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
            values.Add((instrument.Name, value, tags.ToArray().ToDictionary(t => t.Key, t => t.Value))));
        listener.Start();

        engine.ReplayFile(Fixtures.PathOf("pool-full.trace.txt"));
        listener.RecordObservableInstruments();

        Assert.Equal(7, values.Single(v => v.Instrument == "gotrace.goroutines.live").Value);
        var blocked = values.Where(v => v.Instrument == "gotrace.goroutines.blocked").ToDictionary(v => (string)v.Tags["reason"]!, v => v.Value);
        Assert.Equal(new Dictionary<string, long> { ["chan send"] = 3, ["chan receive"] = 2, ["select"] = 1 }, blocked);
        Assert.Equal(11, values.Single(v => v.Instrument == "gotrace.events" && (string)v.Tags["kind"]! == "create").Value);
        Assert.Equal(45, values.Single(v => v.Instrument == "gotrace.lines").Value);
        Assert.All(values.Where(v => v.Instrument == "gotrace.warnings"), v => Assert.Equal(0, v.Value));
    }

    [Fact]
    public void BlockedGauge_FollowsParksReadiesAndDestroys()
    {
        var engine = new TraceEngine();
        using TraceEngineMetrics metrics = TraceEngineMetrics.Create(engine);
        engine.Feed("newproc1: goroutine=c000\nnewproc1: goroutine=d000\ngopark: goroutine=c000 reason=6\ngopark: goroutine=d000 reason=6\ngopark: goroutine=d000 reason=7\nready: goroutine=c000\n"u8);
        Assert.Equal(0, engine.State.BlockedWithReason(6));
        Assert.Equal(1, engine.State.BlockedWithReason(7));
        engine.Feed("godestroy: goroutine=d000\n"u8);
        Assert.Equal(0, engine.State.BlockedWithReason(7));
    }
}
