using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using GoTraceEngine.Generation;
using GoTraceEngine.Parsing;
using GoTraceEngine.State;

namespace GoTraceEngine.Benchmarks;

/// <summary>
/// What two cores buy before the pipeline is built: one thread frames and parses into batches of
/// <see cref="TraceEvent"/>s handed over a bounded single-producer single-consumer ring, the other applies them
/// (<see cref="GoroutineState.Apply"/>), against the same work on one thread. Seed-format matrix traces.
/// </summary>
/// <remarks>
/// The applying thread can prefetch within a batch (event i + 8's slot while applying event i): the events are
/// already parsed, so the prefetch distance is 8 applies rather than 8 parses.
/// </remarks>
[MemoryDiagnoser]
[Config(typeof(MatrixConfig))]
public class TwoThreadBench
{
    private byte[] _data = [];

    [Params(1_000, 100_000, 1_000_000)]
    public int Live { get; set; }

    [GlobalSetup]
    public void Setup() => _data = MatrixInputs.Trace(TraceFormat.Quiet, Live);

    [Benchmark(Baseline = true, Description = "One thread: parse then apply")]
    public int OneThread() => DelayedApply.Run(_data, 0, PrefetchKind.None);

    [Benchmark(Description = "One thread: parse+prefetch live + blocked, apply D=16 later")]
    public int OneThreadPrefetch() => DelayedApply.Run(_data, 16, PrefetchKind.LiveAndBlocked);

    [Benchmark(Description = "Two threads: parse | apply")]
    public int TwoThreads() => SplitReplay.Run(_data, prefetchDistance: 0);

    [Benchmark(Description = "Two threads: parse | apply, prefetch live + blocked i+8")]
    public int TwoThreadsPrefetch() => SplitReplay.Run(_data, prefetchDistance: 8);
}

/// <summary>Frames and parses on the calling thread, applies on another; batches of parsed events go through an SPSC ring.</summary>
internal static class SplitReplay
{
    public const int BatchSize = 1024;
    public const int Batches = 16;

    public static int Run(byte[] data, int prefetchDistance)
    {
        var ring = new BatchRing(Batches, BatchSize);
        var state = new GoroutineState(ReasonTable.TraceBlockReason, TraceEngineOptions.DefaultInitialCapacity);
        var consumer = new Thread(() => Consume(ring, state, prefetchDistance)) { IsBackground = true, Name = "apply" };
        consumer.Start();
        Produce(data, ring);
        consumer.Join();
        return state.Blocked.Count;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Produce(ReadOnlySpan<byte> data, BatchRing ring)
    {
        var names = new NameTable();
        long lineNumber = 0;
        TraceEvent[] batch = ring.AcquireWrite();
        int count = 0;
        while (true)
        {
            int end = data.IndexOf((byte)'\n');
            if (end < 0)
            {
                break;
            }

            if (TraceLineParser.Parse(data[..end], ++lineNumber, names, out batch[count], out _) == LineCategory.Event)
            {
                if (++count == batch.Length)
                {
                    ring.PublishWrite(count);
                    batch = ring.AcquireWrite();
                    count = 0;
                }
            }

            data = data[(end + 1)..];
        }

        ring.PublishWrite(count);
        ring.Complete();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Consume(BatchRing ring, GoroutineState state, int prefetchDistance)
    {
        OpenTable<LiveValue> live = state.Live;
        OpenTable<BlockedValue> blocked = state.Blocked;
        ReasonTable reasons = state.Reasons;
        while (ring.TryAcquireRead(out TraceEvent[]? batch, out int count))
        {
            Span<TraceEvent> events = batch.AsSpan(0, count);
            if (prefetchDistance > 0)
            {
                for (int i = 0; i < events.Length && i < prefetchDistance; i++)
                {
                    Prefetch(live, blocked, reasons, in events[i]);
                }

                for (int i = 0; i < events.Length; i++)
                {
                    if (i + prefetchDistance < events.Length)
                    {
                        Prefetch(live, blocked, reasons, in events[i + prefetchDistance]);
                    }

                    state.Apply(in events[i]);
                }
            }
            else
            {
                foreach (ref readonly TraceEvent e in events)
                {
                    state.Apply(in e);
                }
            }

            ring.ReleaseRead();
        }
    }

    /// <summary>The live slot of every event, the blocked slot of those that will touch it (blocking parks, readies).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Prefetch(OpenTable<LiveValue> live, OpenTable<BlockedValue> blocked, ReasonTable reasons, in TraceEvent e)
    {
        if (e.GPointer != 0)
        {
            live.Prefetch(e.GPointer);
            if (e.Kind == TraceEventKind.Ready || (e.Kind == TraceEventKind.Park && reasons.IsBlocking(e.Reason)))
            {
                blocked.Prefetch(e.GPointer);
            }
        }
    }
}

/// <summary>
/// A bounded single-producer single-consumer ring of preallocated event batches: the producer fills the batch at the
/// head and publishes it, the consumer reads the batch at the tail and releases it. Spins, then yields, when full or
/// empty. No allocation after construction.
/// </summary>
internal sealed class BatchRing
{
    private readonly TraceEvent[][] _batches;
    private readonly int[] _counts;
    private readonly int _mask;
    private Positions _positions;
    private volatile bool _completed;

    public BatchRing(int batches, int batchSize)
    {
        _batches = new TraceEvent[batches][];
        for (int i = 0; i < batches; i++)
        {
            _batches[i] = new TraceEvent[batchSize];
        }

        _counts = new int[batches];
        _mask = batches - 1;
    }

    /// <summary>The batch to fill next; waits while the ring is full.</summary>
    public TraceEvent[] AcquireWrite()
    {
        long head = _positions.Head;
        var spin = default(SpinWait);
        while (head - Volatile.Read(ref _positions.Tail) > _mask)
        {
            spin.SpinOnce();
        }

        return _batches[(int)head & _mask];
    }

    public void PublishWrite(int count)
    {
        long head = _positions.Head;
        _counts[(int)head & _mask] = count;
        Volatile.Write(ref _positions.Head, head + 1);
    }

    public void Complete() => _completed = true;

    /// <summary>The next batch to apply; false once the producer completed and every batch was read.</summary>
    public bool TryAcquireRead([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out TraceEvent[]? batch, out int count)
    {
        long tail = _positions.Tail;
        var spin = default(SpinWait);
        while (Volatile.Read(ref _positions.Head) == tail)
        {
            if (_completed && Volatile.Read(ref _positions.Head) == tail)
            {
                batch = null;
                count = 0;
                return false;
            }

            spin.SpinOnce();
        }

        batch = _batches[(int)tail & _mask];
        count = _counts[(int)tail & _mask];
        return true;
    }

    public void ReleaseRead() => Volatile.Write(ref _positions.Tail, _positions.Tail + 1);

    /// <summary>Head and tail on separate cache lines, so producer and consumer do not share one.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 192)]
    private struct Positions
    {
        [FieldOffset(64)]
        public long Head;

        [FieldOffset(128)]
        public long Tail;
    }
}
