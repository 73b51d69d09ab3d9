using System.Runtime.CompilerServices;
using GoTraceEngine.Parsing;

namespace GoTraceEngine.Pipeline;

/// <summary>
/// Holds timestamped events until the reorder window has passed them and hands them back in (timestamp, line) order.
/// </summary>
/// <remarks>
/// <para>Tracer output is a merge of per-CPU streams, each already in time order. So instead of one big heap, events
/// go into a few sorted <em>lanes</em> (patience sorting): an event joins the lane whose last timestamp is the largest
/// one not after its own, and opens a new lane only when it is earlier than every lane's tail. With C CPUs about C
/// lanes exist, so a push and a pop each scan a handful of lanes and touch memory sequentially.</para>
/// <para>Lanes are capped (<see cref="MaxLanes"/>); an event that fits no lane then goes into a binary heap, so
/// adversarial orderings stay O(log n) instead of growing lanes without bound. Events hold no references: every
/// lane is a reused circular array, and after warm-up nothing allocates.</para>
/// </remarks>
internal sealed class ReorderBuffer
{
    public const int MaxLanes = 16;

    private readonly Lane[] _lanes = new Lane[MaxLanes];
    private readonly EventHeap _overflow = new();
    private int _laneCount;
    private int _count;

    public int Count => _count;

    /// <summary>The smallest timestamp held; only valid when <see cref="Count"/> &gt; 0.</summary>
    public long MinTimestamp
    {
        get
        {
            FindMin(out long ts, out _);
            return ts;
        }
    }

    public void Push(in TraceEvent e)
    {
        long ts = e.Timestamp;
        int best = -1;
        long bestTail = long.MinValue;
        int empty = -1;
        Lane[] lanes = _lanes;
        for (int i = 0; i < _laneCount; i++)
        {
            Lane lane = lanes[i];
            if (lane.Count == 0)
            {
                empty = i;
                continue;
            }

            long tail = lane.TailTimestamp;
            if (tail <= ts && tail >= bestTail)
            {
                best = i;
                bestTail = tail;
            }
        }

        if (best < 0)
        {
            if (empty >= 0)
            {
                best = empty;
            }
            else if (_laneCount < MaxLanes)
            {
                best = _laneCount;
                lanes[_laneCount++] ??= new Lane();
            }
            else
            {
                _overflow.Push(in e);
                _count++;
                return;
            }
        }

        lanes[best].Append(in e);
        _count++;
    }

    public TraceEvent Pop()
    {
        FindMin(out _, out int lane);
        _count--;
        return lane < 0 ? _overflow.Pop() : _lanes[lane].RemoveHead();
    }

    /// <summary>The earliest event among the lane heads and the overflow heap; ties go to the earlier line.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void FindMin(out long timestamp, out int laneIndex)
    {
        long bestTs = long.MaxValue;
        long bestLine = long.MaxValue;
        int best = -1;
        Lane[] lanes = _lanes;
        for (int i = 0; i < _laneCount; i++)
        {
            Lane lane = lanes[i];
            if (lane.Count == 0)
            {
                continue;
            }

            ref readonly TraceEvent head = ref lane.Head;
            if (head.Timestamp < bestTs || (head.Timestamp == bestTs && head.LineNumber < bestLine))
            {
                bestTs = head.Timestamp;
                bestLine = head.LineNumber;
                best = i;
            }
        }

        if (_overflow.Count > 0)
        {
            ref readonly TraceEvent top = ref _overflow.Top;
            if (top.Timestamp < bestTs || (top.Timestamp == bestTs && top.LineNumber < bestLine))
            {
                bestTs = top.Timestamp;
                best = -1;
            }
        }

        timestamp = bestTs;
        laneIndex = best;
    }

    /// <summary>A growable circular queue of events in non-decreasing (timestamp, line) order.</summary>
    private sealed class Lane
    {
        private TraceEvent[] _items = new TraceEvent[1024];
        private int _head;
        private int _count;
        private long _tail;

        public int Count => _count;

        public long TailTimestamp => _tail;

        public ref readonly TraceEvent Head => ref _items[_head];

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Append(in TraceEvent e)
        {
            if (_count == _items.Length)
            {
                Grow();
            }

            _items[(_head + _count) & (_items.Length - 1)] = e;
            _count++;
            _tail = e.Timestamp;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TraceEvent RemoveHead()
        {
            TraceEvent e = _items[_head];
            _head = (_head + 1) & (_items.Length - 1);
            _count--;
            return e;
        }

        private void Grow()
        {
            var items = new TraceEvent[_items.Length * 2];
            for (int i = 0; i < _count; i++)
            {
                items[i] = _items[(_head + i) & (_items.Length - 1)];
            }

            _items = items;
            _head = 0;
        }
    }
}
