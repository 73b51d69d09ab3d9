using BenchmarkDotNet.Attributes;
using GoTraceEngine.Generation;
using GoTraceEngine.Parsing;
using GoTraceEngine.State;

namespace GoTraceEngine.Benchmarks;

/// <summary>
/// The engine's stages and the whole path on 2 M generated events, seed (quiet) and full format, against the naive
/// baseline in the same run. Times are per whole trace; the Events/s and MB/s columns divide by its size.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(BenchConfig))]
public class PipelineBench
{
    private byte[] _data = [];
    private string _path = string.Empty;
    private TraceEvent[] _events = [];

    [Params(TraceFormat.Quiet, TraceFormat.Full)]
    public TraceFormat Format { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _data = BenchInputs.Trace(Format);
        _path = BenchInputs.File(Format);
        var recorder = new TraceEngine<RecordingSink>(default, new RecordingSink { Events = new List<TraceEvent>(BenchInputs.Events + 1000) });
        recorder.Feed(_data);
        recorder.Complete();
        _events = [.. recorder.Sink.Events!];
    }

    [Benchmark(Baseline = true, Description = "Naive: ReadLine+Split+Dictionary")]
    public int Naive()
    {
        using var stream = new MemoryStream(_data, writable: false);
        return NaiveReplay.Run(stream).Blocked;
    }

    [Benchmark(Description = "Parse only (framing + parser)")]
    public long ParseOnly()
    {
        var names = new NameTable();
        ReadOnlySpan<byte> data = _data;
        long events = 0, lineNumber = 0;
        while (true)
        {
            int end = data.IndexOf((byte)'\n');
            if (end < 0)
            {
                break;
            }

            if (TraceLineParser.Parse(data[..end], ++lineNumber, names, out _, out _) == LineCategory.Event)
            {
                events++;
            }

            data = data[(end + 1)..];
        }

        return events;
    }

    [Benchmark(Description = "Apply only (tables)")]
    public int ApplyOnly()
    {
        var state = new GoroutineState(ReasonTable.TraceBlockReason, 1024);
        foreach (ref readonly TraceEvent e in _events.AsSpan())
        {
            state.Apply(in e);
        }

        return state.Blocked.Count;
    }

    [Benchmark(Description = "End to end, from memory")]
    public int EndToEndMemory()
    {
        var engine = new TraceEngine();
        engine.Feed(_data);
        engine.Complete();
        return engine.Blocked.Count;
    }

    [Benchmark(Description = "End to end, file via PipeReader")]
    public int EndToEndFile()
    {
        var engine = new TraceEngine();
        engine.ReplayFileAsync(_path).AsTask().GetAwaiter().GetResult();
        return engine.Blocked.Count;
    }

    private struct RecordingSink : ITraceSink
    {
        public List<TraceEvent>? Events;

        public readonly void OnEvent(in TraceEvent e) => Events!.Add(e);
    }
}
