using System.Runtime.CompilerServices;
using BenchmarkDotNet.Attributes;
using GoTraceEngine.Generation;
using GoTraceEngine.Parsing;
using GoTraceEngine.State;

namespace GoTraceEngine.Benchmarks;

/// <summary>
/// What the pipeline gains by applying an event D lines after it was parsed, with its table slots prefetched when it
/// was parsed (<see cref="OpenTable{TValue}.Prefetch"/>), against parse-then-apply. The real framing loop, the real
/// parser (<see cref="TraceLineParser.Parse(ReadOnlySpan{byte}, long, NameTable?, out TraceEvent, out ParseFailure)"/>)
/// and the real <see cref="GoroutineState.Apply"/>, on the matrix's seed-format traces (<see cref="MatrixInputs"/>);
/// the ring of D parsed events keeps their order.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(MatrixConfig))]
public class ApplyDelayBench
{
    private byte[] _data = [];

    [Params(1_000, 100_000, 1_000_000)]
    public int Live { get; set; }

    [GlobalSetup]
    public void Setup() => _data = MatrixInputs.Trace(TraceFormat.Quiet, Live);

    [Benchmark(Baseline = true, Description = "Parse then apply")]
    public int ParseThenApply() => DelayedApply.Run(_data, 0, PrefetchKind.None);

    [Benchmark(Description = "Parse only (floor)")]
    public int ParseOnly() => DelayedApply.ParseOnly(_data);

    [Benchmark(Description = "D=4, prefetch live")]
    public int Delay4() => DelayedApply.Run(_data, 4, PrefetchKind.Live);

    [Benchmark(Description = "D=8, prefetch live")]
    public int Delay8() => DelayedApply.Run(_data, 8, PrefetchKind.Live);

    [Benchmark(Description = "D=16, prefetch live")]
    public int Delay16() => DelayedApply.Run(_data, 16, PrefetchKind.Live);

    [Benchmark(Description = "D=8, prefetch live + blocked")]
    public int Delay8Blocked() => DelayedApply.Run(_data, 8, PrefetchKind.LiveAndBlocked);

    [Benchmark(Description = "D=16, prefetch live + blocked")]
    public int Delay16Blocked() => DelayedApply.Run(_data, 16, PrefetchKind.LiveAndBlocked);

    [Benchmark(Description = "D=32, prefetch live + blocked")]
    public int Delay32Blocked() => DelayedApply.Run(_data, 32, PrefetchKind.LiveAndBlocked);

    [Benchmark(Description = "D=8, no prefetch (delay alone)")]
    public int Delay8NoPrefetch() => DelayedApply.Run(_data, 8, PrefetchKind.None);
}

internal enum PrefetchKind
{
    None,
    Live,
    LiveAndBlocked,
}

/// <summary>The measured loops: frame, parse, (prefetch), and apply now or D events later.</summary>
internal static class DelayedApply
{
    private const int RingSize = 64;

    public static int Run(byte[] data, int delay, PrefetchKind prefetch)
    {
        var names = new NameTable();
        var state = new GoroutineState(ReasonTable.TraceBlockReason, TraceEngineOptions.DefaultInitialCapacity);
        if (delay == 0)
        {
            ParseThenApply(data, names, state);
        }
        else
        {
            ParseDelayApply(data, names, state, delay, prefetch);
        }

        return state.Blocked.Count;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ParseThenApply(ReadOnlySpan<byte> data, NameTable names, GoroutineState state)
    {
        long lineNumber = 0;
        while (true)
        {
            int end = data.IndexOf((byte)'\n');
            if (end < 0)
            {
                break;
            }

            if (TraceLineParser.Parse(data[..end], ++lineNumber, names, out TraceEvent e, out _) == LineCategory.Event)
            {
                state.Apply(in e);
            }

            data = data[(end + 1)..];
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ParseDelayApply(ReadOnlySpan<byte> data, NameTable names, GoroutineState state, int delay, PrefetchKind prefetch)
    {
        var ring = new TraceEvent[RingSize];
        int mask = RingSize - 1;
        OpenTable<LiveValue> live = state.Live;
        OpenTable<BlockedValue> blocked = state.Blocked;
        ReasonTable reasons = state.Reasons;
        long lineNumber = 0, parsed = 0;
        while (true)
        {
            int end = data.IndexOf((byte)'\n');
            if (end < 0)
            {
                break;
            }

            if (TraceLineParser.Parse(data[..end], ++lineNumber, names, out TraceEvent e, out _) == LineCategory.Event)
            {
                if (prefetch != PrefetchKind.None && e.GPointer != 0)
                {
                    live.Prefetch(e.GPointer);
                    if (prefetch == PrefetchKind.LiveAndBlocked
                        && (e.Kind == TraceEventKind.Ready || (e.Kind == TraceEventKind.Park && reasons.IsBlocking(e.Reason))))
                    {
                        blocked.Prefetch(e.GPointer);
                    }
                }

                ref TraceEvent slot = ref ring[(int)parsed & mask];
                if (parsed >= delay)
                {
                    state.Apply(in ring[(int)(parsed - delay) & mask]);
                }

                slot = e;
                parsed++;
            }

            data = data[(end + 1)..];
        }

        for (long k = Math.Max(0, parsed - delay); k < parsed; k++)
        {
            state.Apply(in ring[(int)k & mask]);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static int ParseOnly(ReadOnlySpan<byte> data)
    {
        var names = new NameTable();
        long lineNumber = 0;
        int events = 0;
        while (true)
        {
            int end = data.IndexOf((byte)'\n');
            if (end < 0)
            {
                break;
            }

            if (TraceLineParser.Parse(data[..end], ++lineNumber, names, out TraceEvent e, out _) == LineCategory.Event)
            {
                events += (int)e.GPointer & 1;
            }

            data = data[(end + 1)..];
        }

        return events;
    }
}
