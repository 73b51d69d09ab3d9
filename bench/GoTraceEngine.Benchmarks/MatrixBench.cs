using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using GoTraceEngine.Generation;

namespace GoTraceEngine.Benchmarks;

/// <summary>
/// Population × format, end to end from memory through the public replay API (<c>Feed</c> + <c>Complete</c>, default
/// options: the full format goes through the 2 s reorder window), each cell with the naive baseline measured in the same
/// run. Inputs come from the generator in <c>[GlobalSetup]</c> (<see cref="MatrixInputs"/> has the sizes); the columns
/// add events/s, MB/s, ns/event and the bytes the goroutine tables hold per live goroutine at the end of the trace.
/// </summary>
/// <remarks>
/// One run (12 cases, job <c>matrix</c>: 3 warm-ups, 5 measured single-invocation iterations) takes about 3 minutes on
/// the 2-core EPYC, build included; <c>bench/gate.sh</c> runs it with 3 iterations.
/// </remarks>
[MemoryDiagnoser]
[Config(typeof(MatrixConfig))]
public class MatrixBench
{
    private byte[] _data = [];

    [Params(TraceFormat.Quiet, TraceFormat.Full)]
    public TraceFormat Format { get; set; }

    [Params(1_000, 100_000, 1_000_000)]
    public int Live { get; set; }

    [GlobalSetup]
    public void Setup() => _data = MatrixInputs.Trace(Format, Live);

    [Benchmark(Baseline = true, Description = "Naive: ReadLine+Split+Dictionary")]
    public int Naive()
    {
        using var stream = new MemoryStream(_data, writable: false);
        return NaiveReplay.Run(stream).Blocked;
    }

    [Benchmark(Description = "End to end, from memory")]
    public int EndToEnd()
    {
        using var engine = new TraceEngine();
        engine.Feed(_data);
        engine.Complete();
        return engine.Blocked.Count;
    }
}

/// <summary>
/// The matrix's job: whole-trace operations of 0.05–4 s, so single invocations, three warm-ups, five measured
/// (<c>GOTRACE_BENCH_ITERATIONS</c> overrides the five: the gate uses 3).
/// </summary>
/// <remarks>
/// Three warm-ups, not one: the engine's second invocation in a process still ran 1.4–2.7× its steady time (full
/// format at 1 k live 215 ms then 92, at 100 k 300 then 110), and in one clean-clone CI run the seed format at
/// 100 k live took until its fourth (290, 115, 93, 61 ms), which put that row under its floor; the fourth invocation
/// was steady in every run seen.
/// </remarks>
public class MatrixConfig : ManualConfig
{
    public MatrixConfig()
        : this("matrix", warmups: 3, iterations: int.TryParse(Environment.GetEnvironmentVariable("GOTRACE_BENCH_ITERATIONS"), out int n) && n > 0 ? n : 5)
    {
    }

    /// <summary>The matrix's columns and options with a job of its own.</summary>
    protected MatrixConfig(string id, int warmups, int iterations)
    {
        Add(DefaultConfig.Instance);
        AddJob(Job.Default.WithId(id).WithStrategy(RunStrategy.Monitoring).WithLaunchCount(1).WithWarmupCount(warmups).WithIterationCount(iterations));
        AddColumn(StatisticColumn.Median);
        foreach (MatrixColumn.Kind kind in Enum.GetValues<MatrixColumn.Kind>())
        {
            AddColumn(new MatrixColumn(kind));
        }

        WithOptions(ConfigOptions.DisableLogFile);
        SummaryStyle = SummaryStyle.Default.WithRatioStyle(RatioStyle.Trend);
    }
}

/// <summary>
/// The matrix's inputs: <see cref="TraceGenerator"/> with seed 42 and 25 leaks; 1 M events at 1 k and 100 k live,
/// 3 M at 1 M live (the first 1.0 M fill the population; the churn after the fill is what a leaking server does):
/// seed format 54 / 59 / 205 MB, full format 65 / 72 / 267 MB.
/// Sizes small enough that the matrix, naive baseline included, runs in about 2 minutes (the gate's 3 iterations).
/// </summary>
internal static class MatrixInputs
{
    private static readonly Dictionary<(TraceFormat, int), byte[]> s_traces = [];
    private static readonly Dictionary<(TraceFormat, int), Facts> s_facts = [];

    public static long Events(int live) => live >= 1_000_000 ? 3_000_000 : 1_000_000;

    public static byte[] Trace(TraceFormat format, int live)
    {
        lock (s_traces)
        {
            if (!s_traces.TryGetValue((format, live), out byte[]? data))
            {
                using var stream = new MemoryStream();
                new TraceGenerator(new TraceGeneratorOptions { Seed = 42, Format = format, Events = Events(live), Live = live, Leaks = 25 }).Write(stream);
                s_traces[(format, live)] = data = stream.ToArray();
            }

            return data;
        }
    }

    /// <summary>What one replay of the input shows: its events and bytes, and the tables' bytes per live goroutine at its end.</summary>
    public static Facts Measure(TraceFormat format, int live)
    {
        lock (s_facts)
        {
            if (!s_facts.TryGetValue((format, live), out Facts facts))
            {
                byte[] data = Trace(format, live);
                using var engine = new TraceEngine();
                engine.Feed(data);
                engine.Complete();
                TableMemory memory = TableMemory.Of(engine);
                facts = new Facts(engine.EventsRead, data.LongLength, memory.LiveTableBytes, memory.BlockedTableBytes, memory.Live, memory.Blocked);
                s_facts[(format, live)] = facts;
                lock (s_traces)
                {
                    s_traces.Remove((format, live));
                }
            }

            return facts;
        }
    }

    internal readonly record struct Facts(long Events, long Bytes, long LiveTableBytes, long BlockedTableBytes, int Live, int Blocked);
}

/// <summary>The goroutine tables' memory after a replay.</summary>
internal readonly record struct TableMemory(long LiveTableBytes, long BlockedTableBytes, int Live, int Blocked)
{
    public static TableMemory Of<TSink>(TraceEngine<TSink> engine)
        where TSink : struct, ITraceSink =>
        new(engine.State.Live.AllocatedBytes, engine.State.Blocked.AllocatedBytes, engine.State.Live.Count, engine.State.Blocked.Count);

    /// <summary>Bytes of both tables per live goroutine.</summary>
    public double PerLive => Live == 0 ? 0 : (double)(LiveTableBytes + BlockedTableBytes) / Live;
}

/// <summary>Events/s, MB/s, ns/event from the median and the input; B/live from one replay of the input in the host.</summary>
internal sealed class MatrixColumn(MatrixColumn.Kind kind) : IColumn
{
    internal enum Kind
    {
        EventsPerSecond,
        MegabytesPerSecond,
        NanosecondsPerEvent,
        LiveTableBytesPerLive,
        TableBytesPerLive,
    }

    public string Id => "GoTrace.Matrix." + kind;

    public string ColumnName => kind switch
    {
        Kind.EventsPerSecond => "Events/s",
        Kind.MegabytesPerSecond => "MB/s",
        Kind.NanosecondsPerEvent => "ns/event",
        Kind.LiveTableBytesPerLive => "Live table B/live",
        _ => "Tables B/live",
    };

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => (int)kind;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => kind switch
    {
        Kind.EventsPerSecond => "Trace events per second (median)",
        Kind.MegabytesPerSecond => "Input megabytes (10^6) per second (median)",
        Kind.NanosecondsPerEvent => "Median time per trace event",
        Kind.LiveTableBytesPerLive => "Bytes of the live table's entries per live goroutine at the end of the trace (engine rows)",
        _ => "Bytes of the live and blocked tables' entries per live goroutine at the end of the trace (engine rows)",
    };

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        // ApplyDelayBench and TwoThreadBench use the matrix's seed-format inputs and have no Format parameter.
        TraceFormat format = benchmarkCase.Parameters["Format"] as TraceFormat? ?? TraceFormat.Quiet;
        if (benchmarkCase.Parameters["Live"] is not int live)
        {
            return "-";
        }

        CultureInfo c = CultureInfo.InvariantCulture;
        MatrixInputs.Facts facts = MatrixInputs.Measure(format, live);
        if (kind is Kind.LiveTableBytesPerLive or Kind.TableBytesPerLive)
        {
            return benchmarkCase.Descriptor.Baseline || benchmarkCase.Descriptor.Type != typeof(MatrixBench) || facts.Live == 0
                ? "-"
                : ((double)(kind == Kind.LiveTableBytesPerLive ? facts.LiveTableBytes : facts.LiveTableBytes + facts.BlockedTableBytes) / facts.Live).ToString("0.0", c);
        }

        if (summary[benchmarkCase]?.ResultStatistics is not { } stats)
        {
            return "-";
        }

        double seconds = stats.Median / 1e9;
        return kind switch
        {
            Kind.EventsPerSecond => (facts.Events / seconds / 1e6).ToString("0.00", c) + " M",
            Kind.MegabytesPerSecond => (facts.Bytes / seconds / 1e6).ToString("0", c),
            _ => (stats.Median / facts.Events).ToString("0.0", c),
        };
    }

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}
