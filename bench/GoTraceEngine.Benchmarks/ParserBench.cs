using BenchmarkDotNet.Attributes;
using GoTraceEngine.Generation;
using GoTraceEngine.Parsing;

namespace GoTraceEngine.Benchmarks;

/// <summary>
/// The parser alone on 2 M generated events, seed (quiet) and full format: every line framed with <c>IndexOf</c> and
/// handed to <see cref="TraceLineParser"/>, against the naive baseline in the same run. The parse-only row of
/// <see cref="PipelineBench"/> without the tables' rows, for changes to the parser.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(BenchConfig))]
public class ParserBench
{
    private byte[] _data = [];

    [Params(TraceFormat.Quiet, TraceFormat.Full)]
    public TraceFormat Format { get; set; }

    [GlobalSetup]
    public void Setup() => _data = BenchInputs.Trace(Format);

    [Benchmark(Baseline = true, Description = "Naive: ReadLine+Split+Dictionary")]
    public int Naive()
    {
        using var stream = new MemoryStream(_data, writable: false);
        return NaiveReplay.Run(stream).Blocked;
    }

    [Benchmark(Description = "TraceLineParser")]
    public long Parse()
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
}
