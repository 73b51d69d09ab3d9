using BenchmarkDotNet.Attributes;
using GoTraceEngine.Generation;

namespace GoTraceEngine.Benchmarks;

/// <summary>
/// The replay's thread modes (<see cref="ReplayParallelism"/>) end to end from memory through <c>Replay(Stream)</c>, on the
/// matrix's inputs: one thread (the baseline, measured in the same run), both cores parsing
/// (<see cref="ReplayParallelism.ParallelParse"/>, the default for big inputs) and the apply split
/// (<see cref="ReplayParallelism.ApplyThread"/>). Ratios under 1 are the second core's gain. On a one-processor
/// machine every mode runs on one thread.
/// </summary>
/// <remarks>
/// Allocations (all threads) are the per-replay structures: tables, reorder lanes, chunks or batches, the helper thread.
/// Three warm-ups: the helper thread's code is tiered up by the JIT during the first replays (the NativeAOT CLI has no
/// such warm-up; <c>bench/two-core.sh</c> measures it).
/// </remarks>
[MemoryDiagnoser]
[Config(typeof(ReplayModeConfig))]
public class ReplayModeBench
{
    private byte[] _data = [];

    [Params(TraceFormat.Quiet, TraceFormat.Full)]
    public TraceFormat Format { get; set; }

    [Params(1_000, 100_000)]
    public int Live { get; set; }

    [GlobalSetup]
    public void Setup() => _data = MatrixInputs.Trace(Format, Live);

    [Benchmark(Baseline = true, Description = "One thread")]
    public int OneThread() => Run(ReplayParallelism.SingleThread);

    [Benchmark(Description = "Both cores parse (default)")]
    public int BothParse() => Run(ReplayParallelism.ParallelParse);

    [Benchmark(Description = "Apply split")]
    public int ApplySplit() => Run(ReplayParallelism.ApplyThread);

    private int Run(ReplayParallelism mode)
    {
        using var engine = new TraceEngine(new TraceEngineOptions { Parallelism = mode });
        engine.Replay(new MemoryStream(_data, writable: false));
        return engine.Blocked.Count;
    }
}

/// <summary><see cref="MatrixConfig"/> with three warm-ups and nine measured iterations: two-thread runs vary more.</summary>
public sealed class ReplayModeConfig : MatrixConfig
{
    public ReplayModeConfig()
        : base("modes", warmups: 3, iterations: 9)
    {
    }
}
