using BenchmarkDotNet.Attributes;
using GoTraceEngine.Generation;
using GoTraceEngine.Parsing;
using GoTraceEngine.Tests.Verdict;
using GoTraceEngine.Verdict;

namespace GoTraceEngine.Benchmarks;

/// <summary>
/// What the leak verdict costs next to replaying the trace: end to end without it (the baseline), end to end with the
/// verdict driven from the sink (its own per-goroutine bookkeeping included, which the engine's tables will replace),
/// the driver alone on the recorded events, and the verdict's calls alone. Input: a generated busy trace (10 000 live,
/// 60 s, mid-flight) and the standard 2 M-event full-format trace.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[Config(typeof(BenchConfig))]
public class VerdictBench
{
    private byte[] _data = [];
    private TraceEvent[] _events = [];
    private VerdictCall[] _calls = [];

    [Params("busy-10k", "full-2M")]
    public string Input { get; set; } = "busy-10k";

    [GlobalSetup]
    public void Setup()
    {
        if (Input == "busy-10k")
        {
            using var stream = new MemoryStream();
            new BusyTraceGenerator(new BusyTraceOptions { Seed = 42, Live = 10_000, Duration = TimeSpan.FromSeconds(60), LeakIncidentsPerMinute = 12 }).Write(stream);
            _data = stream.ToArray();
        }
        else
        {
            _data = BenchInputs.Trace(TraceFormat.Full);
        }

        var recorder = new TraceEngine<RecordingSink>(default, new RecordingSink { Events = [] });
        recorder.Feed(_data);
        recorder.Complete();
        _events = [.. recorder.Sink.Events!];
        var driver = new VerdictDriver(1 << 16) { Calls = new List<VerdictCall>(_events.Length) };
        foreach (ref readonly TraceEvent e in _events.AsSpan())
        {
            driver.OnEvent(in e);
        }

        _calls = [.. driver.Calls];
        Console.WriteLine($"// {Input}: {_data.Length} bytes, {_events.Length} events applied, {_calls.Length} verdict calls");
    }

    [Benchmark(Baseline = true, Description = "End to end, no verdict")]
    public int EndToEnd()
    {
        using var engine = new TraceEngine();
        engine.Feed(_data);
        engine.Complete();
        return engine.Blocked.Count;
    }

    [Benchmark(Description = "End to end + verdict (sink driver)")]
    public int EndToEndWithVerdict()
    {
        var driver = new VerdictDriver(1 << 16);
        TraceEngine<VerdictSink> engine = VerdictDriver.CreateEngine(driver);
        engine.Feed(_data);
        engine.Complete();
        return engine.Blocked.Count + driver.Verdict.Groups.Count;
    }

    [Benchmark(Description = "Verdict driver alone (bookkeeping + verdict)")]
    public long DriverOnly()
    {
        var driver = new VerdictDriver(1 << 16);
        foreach (ref readonly TraceEvent e in _events.AsSpan())
        {
            driver.OnEvent(in e);
        }

        return driver.Verdict.Releases;
    }

    [Benchmark(Description = "Verdict calls alone")]
    public long VerdictOnly()
    {
        var verdict = new LeakVerdict();
        VerdictCall.Replay(verdict, _calls);
        return verdict.Releases;
    }

    private struct RecordingSink : ITraceSink
    {
        public List<TraceEvent>? Events;

        public readonly void OnEvent(in TraceEvent e) => Events!.Add(e);
    }
}
