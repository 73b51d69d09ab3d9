using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using GoTraceEngine.Generation;
using GoTraceEngine.Parsing;
using GoTraceEngine.Pipeline;
using GoTraceEngine.Reporting;

namespace GoTraceEngine.Benchmarks;

/// <summary>
/// The reorder window alone, the cost that keeps the full format below 0.8× the seed format's events/s (README,
/// <em>Targets</em>): a million full-format events, parsed once in the setup, put back in (timestamp, line) order by
/// the engine's <see cref="EventOrderer"/> with the default 2 s window, against a naive window measured in the same
/// run (.NET's <see cref="PriorityQueue{TElement, TPriority}"/> keyed by (timestamp, line), released as the window
/// passes), against the lane merge as it would first be written by hand (<see cref="MinimalLaneMerge"/>: what the
/// orderer's packing and bookkeeping buy) and against reading the events in arrival order (the floor). The events
/// come from <see cref="TraceGenerator"/> with <see cref="Cpus"/> CPU buffers drained in turn, the way the tracers'
/// per-CPU output arrives.
/// </summary>
/// <remarks>
/// Each run returns a checksum of the release order (every event's line number weighted by its place), and the setup
/// checks that the engine's orderer, the minimal lane merge and the naive window release the same events in the same
/// order, so a faster orderer that got the order wrong fails here before it is timed. The mean is per event
/// (<see cref="BenchmarkAttribute.OperationsPerInvoke"/>), so it reads as ns an event. Each run orders with a new
/// orderer, as a replay does: the engine's 20 bytes an event allocated are its window's lanes (2 s of this trace, about
/// 400 k events at 48 bytes), which a replay allocates once; the naive window's 109 are its queue's growth, and the
/// minimal lane merge's 103-115 its rings' doubling.
/// </remarks>
[MemoryDiagnoser]
[Config(typeof(OrdererConfig))]
public class OrdererBench
{
    /// <summary>Events a run orders.</summary>
    public const int EventCount = 1_000_000;

    /// <summary>The naive window's width: the engine's own, in nanoseconds as it holds it.</summary>
    private static readonly long Window = NewOrderer().WindowNs;

    private TraceEvent[] _events = [];

    /// <summary>CPU buffers the generator drains in turn: how many streams the orderer merges.</summary>
    [Params(2, 8)]
    public int Cpus { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _events = Events(Cpus);
        long naive = Naive();
        long engine = Engine();
        long laneMerge = LaneMerge();
        if (naive != engine || naive != laneMerge)
        {
            throw new InvalidOperationException(
                $"the release orders differ: the orderer's {engine}, the minimal lane merge's {laneMerge}, the naive window's {naive}");
        }
    }

    [Benchmark(Baseline = true, Description = "Naive: PriorityQueue window", OperationsPerInvoke = EventCount)]
    public long Naive()
    {
        var queue = new PriorityQueue<TraceEvent, (long Timestamp, long Line)>();
        var order = new ReleaseOrder();
        long latest = long.MinValue;
        foreach (TraceEvent e in _events)
        {
            queue.Enqueue(e, (e.Timestamp, e.LineNumber));
            latest = Math.Max(latest, e.Timestamp);
            while (queue.TryPeek(out TraceEvent first, out _) && first.Timestamp <= latest - Window)
            {
                order.Apply(queue.Dequeue());
            }
        }

        while (queue.TryDequeue(out TraceEvent rest, out _))
        {
            order.Apply(rest);
        }

        return order.Checksum;
    }

    [Benchmark(Description = "EventOrderer", OperationsPerInvoke = EventCount)]
    public long Engine()
    {
        EventOrderer orderer = NewOrderer();
        var order = new ReleaseOrder();
        foreach (ref readonly TraceEvent e in _events.AsSpan())
        {
            orderer.Push(in e, ref order);
        }

        orderer.Drain(ref order);
        return order.Checksum;
    }

    [Benchmark(Description = "Minimal lane merge", OperationsPerInvoke = EventCount)]
    public long LaneMerge()
    {
        var merge = new MinimalLaneMerge(Window);
        var order = new ReleaseOrder();
        foreach (ref readonly TraceEvent e in _events.AsSpan())
        {
            merge.Push(in e, ref order);
        }

        merge.Drain(ref order);
        return order.Checksum;
    }

    [Benchmark(Description = "Arrival order (floor)", OperationsPerInvoke = EventCount)]
    public long Floor()
    {
        var order = new ReleaseOrder();
        foreach (ref readonly TraceEvent e in _events.AsSpan())
        {
            order.Apply(in e);
        }

        return order.Checksum;
    }

    /// <summary>An orderer as a replay with the default options makes it.</summary>
    private static EventOrderer NewOrderer() =>
        new(TraceEngineOptions.DefaultReorderWindow, TraceEngineOptions.DefaultMaxClockJump, TraceEngineOptions.DefaultMaxPendingEvents);

    /// <summary>The first <see cref="EventCount"/> timed events of a generated full-format trace, parsed.</summary>
    internal static TraceEvent[] Events(int cpus)
    {
        using var stream = new MemoryStream();
        new TraceGenerator(new TraceGeneratorOptions { Seed = 42, Format = TraceFormat.Full, Events = EventCount + 1_000, Live = 1_000, Leaks = 25, Cpus = cpus }).Write(stream);
        var names = new NameTable();
        var events = new List<TraceEvent>(EventCount);
        ReadOnlySpan<byte> rest = stream.GetBuffer().AsSpan(0, (int)stream.Length);
        long line = 0;
        while (events.Count < EventCount && !rest.IsEmpty)
        {
            int end = rest.IndexOf((byte)'\n');
            ReadOnlySpan<byte> text = end < 0 ? rest : rest[..end];
            rest = end < 0 ? [] : rest[(end + 1)..];
            if (TraceLineParser.Parse(text, ++line, names, out TraceEvent e, out _) == LineCategory.Event
                && (e.Fields & TraceEventFields.Timestamp) != 0)
            {
                events.Add(e);
            }
        }

        if (events.Count < EventCount)
        {
            throw new InvalidOperationException($"the generated trace has {events.Count} timed events, fewer than {EventCount}");
        }

        return [.. events];
    }

    /// <summary>
    /// The lane merge as it would first be written by hand, to measure what the engine's orderer's packing and
    /// bookkeeping buy: each lane a growable ring of events as parsed (88 bytes), an event appended to the lane whose
    /// last timestamp is the latest not after its own (a new lane when there is none), the earliest head found by a scan
    /// after each release. No packing, no heap for the lanes' overflow, no checks of the clock.
    /// </summary>
    private sealed class MinimalLaneMerge(long window)
    {
        private readonly List<Lane> _lanes = [];
        private int _lastLane = -1;
        private long _latest = long.MinValue;

        // The earliest head, and its lane (-1: nothing held).
        private long _minTs = long.MaxValue;
        private long _minLine = long.MaxValue;
        private int _minLane = -1;

        public void Push<TApplier>(in TraceEvent e, ref TApplier applier)
            where TApplier : struct, IEventApplier
        {
            int index = Place(e.Timestamp);
            Lane lane = _lanes[index];
            if (lane.Count == 0 && ReorderBuffer.Earlier(e.Timestamp, e.LineNumber, _minTs, _minLine))
            {
                (_minTs, _minLine, _minLane) = (e.Timestamp, e.LineNumber, index);
            }

            lane.Append(in e);
            _latest = Math.Max(_latest, e.Timestamp);
            ReleaseAtOrBefore(_latest - window, ref applier);
        }

        public void Drain<TApplier>(ref TApplier applier)
            where TApplier : struct, IEventApplier => ReleaseAtOrBefore(long.MaxValue, ref applier);

        /// <summary>The lane the previous event went to when it fits there, else the scan's: the latest tail not after it, an empty lane, a new one.</summary>
        private int Place(long ts)
        {
            if (_lastLane >= 0 && _lanes[_lastLane].Count != 0 && _lanes[_lastLane].TailTimestamp <= ts)
            {
                return _lastLane;
            }

            int best = -1, empty = -1;
            long bestTail = long.MinValue;
            for (int i = 0; i < _lanes.Count; i++)
            {
                Lane lane = _lanes[i];
                if (lane.Count == 0)
                {
                    empty = i;
                }
                else if (lane.TailTimestamp <= ts && lane.TailTimestamp >= bestTail)
                {
                    (best, bestTail) = (i, lane.TailTimestamp);
                }
            }

            if (best < 0)
            {
                best = empty;
                if (best < 0)
                {
                    best = _lanes.Count;
                    _lanes.Add(new Lane());
                }
            }

            _lastLane = best;
            return best;
        }

        private void ReleaseAtOrBefore<TApplier>(long limit, ref TApplier applier)
            where TApplier : struct, IEventApplier
        {
            while (_minLane >= 0 && _minTs <= limit)
            {
                Lane lane = _lanes[_minLane];
                applier.Apply(in lane.Head);
                lane.RemoveHead();
                (_minTs, _minLine, _minLane) = (long.MaxValue, long.MaxValue, -1);
                for (int i = 0; i < _lanes.Count; i++)
                {
                    Lane candidate = _lanes[i];
                    if (candidate.Count != 0)
                    {
                        ref readonly TraceEvent head = ref candidate.Head;
                        if (ReorderBuffer.Earlier(head.Timestamp, head.LineNumber, _minTs, _minLine))
                        {
                            (_minTs, _minLine, _minLane) = (head.Timestamp, head.LineNumber, i);
                        }
                    }
                }
            }
        }

        /// <summary>A ring of events in (timestamp, line) order; doubles when full.</summary>
        private sealed class Lane
        {
            private TraceEvent[] _ring = new TraceEvent[1024];
            private int _head;

            public int Count { get; private set; }

            public long TailTimestamp => _ring[(_head + Count - 1) & (_ring.Length - 1)].Timestamp;

            public ref readonly TraceEvent Head => ref _ring[_head];

            public void Append(in TraceEvent e)
            {
                if (Count == _ring.Length)
                {
                    var ring = new TraceEvent[_ring.Length * 2];
                    for (int i = 0; i < Count; i++)
                    {
                        ring[i] = _ring[(_head + i) & (_ring.Length - 1)];
                    }

                    (_ring, _head) = (ring, 0);
                }

                _ring[(_head + Count++) & (_ring.Length - 1)] = e;
            }

            public void RemoveHead()
            {
                _head = (_head + 1) & (_ring.Length - 1);
                Count--;
            }
        }
    }

    /// <summary>What the orderer releases goes here: a checksum of the order (line numbers weighted by place).</summary>
    private struct ReleaseOrder : IEventApplier
    {
        private long _place;

        public long Checksum { get; private set; }

        public void Apply(in TraceEvent e) => Checksum += ++_place * e.LineNumber;

        public void ApplyLate(in TraceEvent e) => throw new InvalidOperationException($"line {e.LineNumber} arrived later than the window: the input is not what this benchmark measures");

        public readonly void Diagnose(DiagnosticKind kind, long lineNumber, string message) =>
            throw new InvalidOperationException($"line {lineNumber}: {message}");
    }
}

/// <summary><see cref="OrdererBench"/>'s job: medians and ratios, a few iterations (each orders a million events).</summary>
public sealed class OrdererConfig : ManualConfig
{
    public OrdererConfig()
    {
        Add(DefaultConfig.Instance);
        AddJob(Job.Default.WithId("orderer").WithStrategy(RunStrategy.Monitoring).WithLaunchCount(1).WithWarmupCount(3).WithIterationCount(9));
        AddColumn(StatisticColumn.Median);
        WithOptions(ConfigOptions.DisableLogFile);
        SummaryStyle = SummaryStyle.Default.WithRatioStyle(RatioStyle.Trend);
    }
}
