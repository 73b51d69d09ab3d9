using BenchmarkDotNet.Attributes;
using GoTraceEngine.Generation;
using GoTraceEngine.Parsing;
using GoTraceEngine.Pipeline;
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

    [Benchmark(Description = "Framing only (LineFramer)")]
    public long FramingOnly()
    {
        var framer = new LineFramer(TraceEngineOptions.DefaultMaxLineLength);
        var counter = new LineCounter();
        framer.Feed(ref counter, _data);
        framer.Complete(ref counter);
        return counter.Lines + counter.Bytes;
    }

    [Benchmark(Description = "Parse only (framing + parser)")]
    public long ParseOnly()
    {
        var framer = new LineFramer(TraceEngineOptions.DefaultMaxLineLength);
        var parser = new ParsingHandler(new NameTable());
        framer.Feed(ref parser, _data);
        framer.Complete(ref parser);
        return parser.Events;
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
        using var engine = new TraceEngine();
        engine.Feed(_data);
        engine.Complete();
        return engine.Blocked.Count;
    }

    [Benchmark(Description = "End to end, file via PipeReader")]
    public int EndToEndFile()
    {
        using var engine = new TraceEngine();
        engine.ReplayFileAsync(_path).AsTask().GetAwaiter().GetResult();
        return engine.Blocked.Count;
    }

    /// <summary>Counts lines and their bytes: what framing alone costs.</summary>
    private struct LineCounter : ILineHandler
    {
        public long Lines;
        public long Bytes;

        public void OnLine(ReadOnlySpan<byte> line)
        {
            Lines++;
            Bytes += line.Length;
        }

        public void OnTooLong(long length) => Lines++;
    }

    /// <summary>Frames and parses, as the engine does, without the tables.</summary>
    private struct ParsingHandler(NameTable names) : ILineHandler
    {
        public long Events;
        private long _lineNumber;

        public void OnLine(ReadOnlySpan<byte> line)
        {
            if (TraceLineParser.Parse(line, ++_lineNumber, names, out _, out _) == LineCategory.Event)
            {
                Events++;
            }
        }

        public void OnTooLong(long length) => _lineNumber++;
    }

    private struct RecordingSink : ITraceSink
    {
        public List<TraceEvent>? Events;

        public readonly void OnEvent(in TraceEvent e) => Events!.Add(e);
    }
}
