using BenchmarkDotNet.Attributes;
using GoTraceEngine.Generation;
using GoTraceEngine.Reporting;
using GoTraceEngine.State;

namespace GoTraceEngine.Benchmarks;

/// <summary>
/// The end of a replay at a large population: building the report (every blocked goroutine judged by the verdict and
/// grouped, <see cref="TraceEngine{TSink}.GetSummary"/>) once the matrix's trace is applied. The baseline walks the
/// same blocked goroutines through the public view and looks each one's live record up, which is the least a report
/// has to read; the ratio is what judging, grouping and describing add. The dashboard's refresh
/// (<see cref="BlockedGroupCounter"/>) judges and groups the same goroutines without describing them.
/// </summary>
/// <remarks>
/// A one-shot <c>gotrace replay</c> of a 1 M-live trace spends this long on one thread after its last event, while the
/// other core idles, so it counts at full weight in the matrix's end-to-end figures.
/// </remarks>
[MemoryDiagnoser]
[MedianColumn]
[Config(typeof(BenchConfig))]
public class ReportBench
{
    private readonly BlockedGroupCounter _counter = new(10);
    private TraceEngine _engine = null!;

    [Params(TraceFormat.Quiet, TraceFormat.Full)]
    public TraceFormat Format { get; set; }

    [Params(1_000_000)]
    public int Live { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _engine = new TraceEngine();
        _engine.Feed(MatrixInputs.Trace(Format, Live));
        _engine.Complete();
        Console.WriteLine($"// {Format} {Live}: {_engine.Live.Count} live, {_engine.Blocked.Count} blocked at the end");
    }

    [Benchmark(Baseline = true, Description = "Walk the blocked goroutines, look up each live record")]
    public long Walk()
    {
        long sum = 0;
        foreach (BlockedGoroutine blocked in _engine.Blocked)
        {
            sum += blocked.Reason + (_engine.Live.TryGet(blocked.GPointer, out GoroutineRecord record) ? record.CreateLineNumber : 0);
        }

        return sum;
    }

    [Benchmark(Description = "GetSummary: judge, group and describe")]
    public int Summary() => _engine.GetSummary().Leaks.Count;

    [Benchmark(Description = "BlockedGroupCounter.Count: a dashboard refresh")]
    public long Refresh()
    {
        _counter.Count(_engine);
        return _counter.TotalLeaked;
    }
}
