using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
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
/// adversarial orderings stay O(log n) instead of growing lanes without bound. Events hold no references; lanes
/// store them in pooled fixed-size chunks, so growth never copies and after warm-up nothing allocates.</para>
/// <para>The earliest head is remembered between calls: the engine asks after every push whether anything is due,
/// and the answer is usually no, so only a pop (which moves a head) makes the next call scan the lanes again. A push
/// changes the minimum only when it starts an empty lane or goes to the heap, and then by one comparison.</para>
/// </remarks>
internal sealed class ReorderBuffer
{
    public const int MaxLanes = 16;

    private readonly Lane[] _lanes = new Lane[MaxLanes];
    private readonly EventHeap _overflow = new();
    private readonly Stack<TraceEvent[]> _chunkPool = new();
    private int _laneCount;
    private int _count;

    // The earliest (timestamp, line) among the lane heads and the heap's top, and where it is (-1: the heap), valid
    // while _minValid: what FindMin's scan would return.
    private bool _minValid;
    private long _minTs;
    private long _minLine;
    private int _minLane;

    public int Count => _count;

    /// <summary>Removes the earliest event when its timestamp is at most <paramref name="limit"/>: one scan of the lane heads.</summary>
    public bool TryPopAtOrBefore(long limit, out TraceEvent e)
    {
        ref readonly TraceEvent due = ref PeekAtOrBefore(limit);
        if (Unsafe.IsNullRef(in due))
        {
            e = default;
            return false;
        }

        e = due;
        RemoveEarliest();
        return true;
    }

    /// <summary>
    /// The earliest event, where it is held, when its timestamp is at most <paramref name="limit"/>; else a null
    /// reference. Valid until the next <see cref="Push"/> or removal: the orderer applies it from there and then calls
    /// <see cref="RemoveEarliest"/>, so a released event is not copied out of its lane first.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref readonly TraceEvent PeekAtOrBefore(long limit)
    {
        FindMin(out long ts, out int lane);
        if (_count == 0 || ts > limit)
        {
            return ref Unsafe.NullRef<TraceEvent>();
        }

        return ref lane < 0 ? ref _overflow.Top : ref _lanes[lane].Head;
    }

    /// <summary>Removes the earliest event (the one <see cref="PeekAtOrBefore"/> returned).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void RemoveEarliest()
    {
        FindMin(out _, out int lane);
        _count--;
        _minValid = false;
        if (lane < 0)
        {
            _overflow.Pop();
        }
        else
        {
            _lanes[lane].RemoveHead();
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
                lanes[_laneCount++] ??= new Lane(_chunkPool);
            }
            else
            {
                _overflow.Push(in e);
                _count++;
                if (_minValid)
                {
                    // The heap's top is its earliest; a lane head wins a tie, as in the scan.
                    ref readonly TraceEvent top = ref _overflow.Top;
                    if (_minLane < 0 || Earlier(top.Timestamp, top.LineNumber, _minTs, _minLine))
                    {
                        SetMin(top.Timestamp, top.LineNumber, -1);
                    }
                }

                return;
            }
        }

        Lane target = lanes[best];
        if (_minValid && target.Count == 0)
        {
            // A new head. The scan takes the earliest, then the lowest lane, then a lane before the heap.
            long line = e.LineNumber;
            if (Earlier(ts, line, _minTs, _minLine)
                || (ts == _minTs && line == _minLine && (_minLane < 0 || best < _minLane)))
            {
                SetMin(ts, line, best);
            }
        }

        target.Append(in e);
        _count++;
    }

    public TraceEvent Pop()
    {
        TraceEvent e = PeekAtOrBefore(long.MaxValue);
        RemoveEarliest();
        return e;
    }

    /// <summary>The earliest event among the lane heads and the overflow heap; ties go to the earlier line.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void FindMin(out long timestamp, out int laneIndex)
    {
        if (_minValid)
        {
            timestamp = _minTs;
            laneIndex = _minLane;
            return;
        }

        ScanMin(out timestamp, out laneIndex);
    }

    /// <summary>One scan of the lane heads and the heap's top; remembers what it found.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ScanMin(out long timestamp, out int laneIndex)
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

            long headTs = lane.HeadTimestamp;
            long headLine = lane.HeadLine;
            if (Earlier(headTs, headLine, bestTs, bestLine))
            {
                bestTs = headTs;
                bestLine = headLine;
                best = i;
            }
        }

        if (_overflow.Count > 0)
        {
            ref readonly TraceEvent top = ref _overflow.Top;
            if (Earlier(top.Timestamp, top.LineNumber, bestTs, bestLine))
            {
                bestTs = top.Timestamp;
                bestLine = top.LineNumber;
                best = -1;
            }
        }

        SetMin(bestTs, bestLine, best);
        timestamp = bestTs;
        laneIndex = best;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool Earlier(long ts, long line, long thanTs, long thanLine) =>
        ts < thanTs || (ts == thanTs && line < thanLine);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void SetMin(long timestamp, long line, int lane)
    {
        _minTs = timestamp;
        _minLine = line;
        _minLane = lane;
        _minValid = true;
    }

    /// <summary>
    /// A queue of events in non-decreasing (timestamp, line) order, stored in fixed-size chunks taken from and
    /// returned to the buffer's pool: growing never copies, and the chunks of a drained lane serve the next one.
    /// </summary>
    private sealed unsafe class Lane(Stack<TraceEvent[]> pool)
    {
        public const int ChunkSize = 512;

        /// <summary>
        /// How far ahead of its head a lane starts loading events. A held event was written a reorder window ago, so it
        /// has left the caches; a lane is read in order, so the events next in line can be on their way while the
        /// earlier ones are applied.
        /// </summary>
        private const int PrefetchAhead = 8;

        private TraceEvent[][] _chunks = new TraceEvent[8][];
        private int _firstChunk;
        private int _chunkCount;
        private int _head;
        private int _tailInLast = ChunkSize;
        private int _count;
        private long _tail;
        private long _headTs;
        private long _headLine;

        public int Count => _count;

        public long TailTimestamp => _tail;

        /// <summary>The head's timestamp, kept beside the lane's counts: the scan for the earliest head reads no event.</summary>
        public long HeadTimestamp => _headTs;

        /// <summary>The head's line number (with <see cref="HeadTimestamp"/>, the head's place in the order).</summary>
        public long HeadLine => _headLine;

        public ref readonly TraceEvent Head => ref _chunks[_firstChunk][_head];

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Append(in TraceEvent e)
        {
            if (_tailInLast == ChunkSize)
            {
                AddChunk();
            }

            _chunks[(_firstChunk + _chunkCount - 1) & (_chunks.Length - 1)][_tailInLast++] = e;
            if (_count++ == 0)
            {
                _headTs = e.Timestamp;
                _headLine = e.LineNumber;
            }

            _tail = e.Timestamp;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void RemoveHead()
        {
            TraceEvent[] chunk = _chunks[_firstChunk];
            _head++;
            _count--;
            int ahead = _head + PrefetchAhead;
            if (Sse.IsSupported && ahead < ChunkSize)
            {
                // A hint: it never faults, and a stale address (the GC moved the chunk) only wastes it.
                byte* next = (byte*)Unsafe.AsPointer(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(chunk), ahead));
                Sse.Prefetch0(next);
                Sse.Prefetch0(next + 64);
                Sse.Prefetch0(next + sizeof(TraceEvent) - 1);
            }

            if (_head == ChunkSize || _count == 0)
            {
                ReleaseHeadChunk();
            }

            if (_count > 0)
            {
                ref readonly TraceEvent head = ref Head;
                _headTs = head.Timestamp;
                _headLine = head.LineNumber;
            }
        }

        private void AddChunk()
        {
            if (_chunkCount == _chunks.Length)
            {
                var chunks = new TraceEvent[_chunks.Length * 2][];
                for (int i = 0; i < _chunkCount; i++)
                {
                    chunks[i] = _chunks[(_firstChunk + i) & (_chunks.Length - 1)];
                }

                _chunks = chunks;
                _firstChunk = 0;
            }

            _chunks[(_firstChunk + _chunkCount) & (_chunks.Length - 1)] = pool.Count > 0 ? pool.Pop() : new TraceEvent[ChunkSize];
            _chunkCount++;
            _tailInLast = 0;
        }

        private void ReleaseHeadChunk()
        {
            pool.Push(_chunks[_firstChunk]);
            _chunks[_firstChunk] = null!;
            _firstChunk = (_firstChunk + 1) & (_chunks.Length - 1);
            _chunkCount--;
            _head = 0;
            if (_chunkCount == 0)
            {
                _tailInLast = ChunkSize;
            }
        }
    }
}
