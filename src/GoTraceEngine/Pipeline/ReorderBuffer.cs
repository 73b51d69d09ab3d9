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
/// go into a few sorted <em>lanes</em> (patience sorting): an event joins a lane whose last timestamp is not after its
/// own, and opens a new lane only when it is earlier than every lane's tail. With C CPUs about C lanes exist, so a
/// push and a pop each look at a handful of lanes and touch memory sequentially.</para>
/// <para>Which lane an event joins decides only how many lanes there are, never the order events leave in (every
/// lane stays sorted, and the earliest head is always taken). So a push first tries the lane the previous push went
/// to: consecutive lines of one CPU's stream go there without a scan. Only an event that does not fit it is placed
/// by the scan, in the lane with the largest tail not after it, which keeps the lanes few.</para>
/// <para>Lanes are capped (<see cref="MaxLanes"/>); an event that fits no lane then goes into a binary heap, so
/// adversarial orderings stay O(log n) instead of growing lanes without bound (the heap also takes the rare event a
/// lane cannot pack, <see cref="HeldEvent.Fits"/>). Lanes store events packed in 48 or 72 bytes (<see cref="HeldEvent"/>:
/// a window holds hundreds of thousands) in pooled fixed-size chunks, so growth never copies and after warm-up nothing
/// allocates; a released event is unpacked once, to be applied.</para>
/// <para>Each lane's head (timestamp, line) is kept in the buffer's own arrays (an empty lane's is the largest
/// value), so finding the earliest head reads no event and no lane. The earliest head is always known
/// (<see cref="EarliestTimestamp"/>): the engine asks after every push whether anything is due, and the answer is
/// usually no, so a push only compares its event with it, and only a removal scans the heads.</para>
/// </remarks>
internal sealed unsafe class ReorderBuffer
{
    public const int MaxLanes = 16;

    private readonly Lane[] _lanes = new Lane[MaxLanes];
    private readonly long[] _headTs = new long[MaxLanes];
    private readonly long[] _headLine = new long[MaxLanes];
    private readonly EventHeap _overflow = new();
    private readonly Stack<HeldChunk> _chunkPool = new();
    private int _laneCount;
    private int _count;

    // The lane the previous push went to (-1: none, or the heap).
    private int _lastLane = -1;

    // The earliest (timestamp, line) among the lane heads and the heap's top, and where it is (-1: the heap); the
    // largest values when nothing is held. Always current: a push compares, a removal scans.
    private long _minTs = long.MaxValue;
    private long _minLine = long.MaxValue;
    private int _minLane = -1;

    public int Count => _count;

    /// <summary>The earliest held event's timestamp; <see cref="long.MaxValue"/> when nothing is held. One field read: the engine asks after every push.</summary>
    public long EarliestTimestamp => _minTs;

    /// <summary>Removes the earliest event when its timestamp is at most <paramref name="limit"/>: one scan of the lane heads.</summary>
    public bool TryPopAtOrBefore(long limit, out TraceEvent e)
    {
        if (!TryPeekAtOrBefore(limit, out e))
        {
            return false;
        }

        RemoveEarliest();
        return true;
    }

    /// <summary>
    /// The earliest event, when its timestamp is at most <paramref name="limit"/>; it stays held until
    /// <see cref="RemoveEarliest"/>. The orderer applies it, then removes it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryPeekAtOrBefore(long limit, out TraceEvent e)
    {
        if (_count == 0 || _minTs > limit)
        {
            e = default;
            return false;
        }

        int lane = _minLane;
        e = lane < 0 ? _overflow.Top : HeldEvent.Read(_lanes[lane].Head);
        return true;
    }

    /// <summary>Removes the earliest event (the one <see cref="TryPeekAtOrBefore"/> returned), and finds the next.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void RemoveEarliest()
    {
        int lane = _minLane;
        _count--;
        if (lane < 0)
        {
            _overflow.Pop();
        }
        else
        {
            Lane held = _lanes[lane];
            if (held.RemoveHead())
            {
                HeldEvent* head = held.Head;
                _headTs[lane] = head->Timestamp;
                _headLine[lane] = head->LineNumber;
            }
            else
            {
                _headTs[lane] = long.MaxValue;
                _headLine[lane] = long.MaxValue;
            }
        }

        ScanMin();
    }

    /// <summary>Takes an event: into the lane the previous one went to when it fits there, else where the scan puts it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Push(in TraceEvent e)
    {
        int last = _lastLane;
        if (last >= 0 && HeldEvent.Fits(in e))
        {
            Lane lane = _lanes[last];
            if (lane.Count != 0 && e.Timestamp >= lane.TailTimestamp)
            {
                // The next line of the same stream: a non-empty lane's head, and so the earliest head, do not change.
                lane.Append(in e);
                _count++;
                return;
            }
        }

        PushScanned(in e);
    }

    public TraceEvent Pop()
    {
        TryPopAtOrBefore(long.MaxValue, out TraceEvent e);
        return e;
    }

    /// <summary>
    /// Places an event by scanning the lanes' tails: the largest one not after it, else an empty or new lane, else the
    /// heap (also where an event goes that a lane cannot hold, <see cref="HeldEvent.Fits"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void PushScanned(in TraceEvent e)
    {
        long ts = e.Timestamp;
        int best = -1;
        long bestTail = long.MinValue;
        int empty = -1;
        Lane[] lanes = _lanes;
        bool fits = HeldEvent.Fits(in e);
        for (int i = 0; fits && i < _laneCount; i++)
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
            else if (fits && _laneCount < MaxLanes)
            {
                best = _laneCount;
                _headTs[best] = long.MaxValue;
                _headLine[best] = long.MaxValue;
                lanes[_laneCount++] ??= new Lane(_chunkPool);
            }
            else
            {
                _overflow.Push(in e);
                _count++;
                _lastLane = -1;

                // The heap's top is its earliest; a lane head wins a tie, as in the scan.
                ref readonly TraceEvent top = ref _overflow.Top;
                if (_minLane < 0 || Earlier(top.Timestamp, top.LineNumber, _minTs, _minLine))
                {
                    SetMin(top.Timestamp, top.LineNumber, -1);
                }

                return;
            }
        }

        Lane target = lanes[best];
        if (target.Count == 0)
        {
            long line = e.LineNumber;
            _headTs[best] = ts;
            _headLine[best] = line;

            // A new head. The scan takes the earliest, then the lowest lane, then a lane before the heap.
            if (Earlier(ts, line, _minTs, _minLine) || (ts == _minTs && line == _minLine && (_minLane < 0 || best < _minLane)))
            {
                SetMin(ts, line, best);
            }
        }

        target.Append(in e);
        _count++;
        _lastLane = best;
    }

    /// <summary>One scan of the lane heads and the heap's top; remembers what it found.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void ScanMin()
    {
        long bestTs = long.MaxValue;
        long bestLine = long.MaxValue;
        int best = -1;
        long[] heads = _headTs;
        long[] lines = _headLine;
        int count = Math.Min(_laneCount, Math.Min(heads.Length, lines.Length));
        for (int i = 0; i < count; i++)
        {
            // An empty lane's head is (long.MaxValue, long.MaxValue): never earlier than anything held.
            long headTs = heads[i];
            if (headTs < bestTs || (headTs == bestTs && lines[i] < bestLine))
            {
                bestTs = headTs;
                bestLine = lines[i];
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
    }

    /// <summary>
    /// A block of <see cref="Lane.ChunkUnits"/> units for held events, in pinned memory: the addresses prefetched ahead of
    /// a lane's head stay valid.
    /// </summary>
    private sealed unsafe class HeldChunk
    {
        private readonly byte[] _memory = GC.AllocateUninitializedArray<byte>(Lane.ChunkUnits * HeldEvent.UnitBytes, pinned: true);

        public HeldChunk() => Units = (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_memory));

        public byte* Units { get; }
    }

    /// <summary>
    /// A queue of events in non-decreasing (timestamp, line) order, stored in fixed-size chunks taken from and
    /// returned to the buffer's pool: growing never copies, and the chunks of a lane's head serve its tail and the
    /// other lanes. The head's and the tail's chunks are held directly, so a push and a pop touch no chunk list.
    /// An event takes two or three 24-byte units (<see cref="HeldEvent"/>) and never straddles chunks.
    /// </summary>
    private sealed unsafe class Lane(Stack<HeldChunk> pool)
    {
        public const int ChunkUnits = 1024;

        /// <summary>
        /// How far ahead of its head (in units: about eight events) a lane starts loading events. A held event was
        /// written a reorder window ago, so it has left the caches; a lane is read in order, so the events next in line
        /// can be on their way while the earlier ones are applied.
        /// </summary>
        private const int PrefetchAhead = 20;

        // Every chunk from the head's to the tail's, oldest first, in a ring (a power of two long).
        private HeldChunk[] _chunks = new HeldChunk[8];
        private int _firstChunk;
        private int _chunkCount;
        private byte* _headUnits;
        private byte* _tailUnits;
        private int _head;
        private int _tail = ChunkUnits;

        public int Count;

        public long TailTimestamp;

        /// <summary>The head event.</summary>
        public HeldEvent* Head => (HeldEvent*)(_headUnits + (_head * HeldEvent.UnitBytes));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Append(in TraceEvent e)
        {
            byte* units = _tailUnits;
            int tail = _tail;
            if (tail > ChunkUnits - 3 && tail > ChunkUnits - HeldEvent.UnitsFor(in e))
            {
                if (tail < ChunkUnits)
                {
                    // Not room enough: the event starts the next chunk, and the unit here says so.
                    HeldEvent.WritePadding((HeldEvent*)(units + (tail * HeldEvent.UnitBytes)));
                }

                units = AddChunk();
                tail = 0;
            }

            _tail = tail + HeldEvent.Write((HeldEvent*)(units + (tail * HeldEvent.UnitBytes)), in e);
            Count++;
            TailTimestamp = e.Timestamp;
        }

        /// <summary>Drops the head; returns whether an event is left (the new head).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public bool RemoveHead()
        {
            if (--Count == 0)
            {
                // Empty: the one chunk left stays with the lane for its next event, rather than going through the pool.
                _head = 0;
                _tail = 0;
                return false;
            }

            byte* units = _headUnits;
            int head = _head + ((HeldEvent*)(units + (_head * HeldEvent.UnitBytes)))->Units;
            if (head == ChunkUnits || ((HeldEvent*)(units + (head * HeldEvent.UnitBytes)))->IsPadding)
            {
                units = ReleaseHeadChunk();
                head = 0;
            }

            _head = head;
            int ahead = head + PrefetchAhead;
            if (Sse.IsSupported && ahead < ChunkUnits)
            {
                byte* next = units + (ahead * HeldEvent.UnitBytes);
                Sse.Prefetch0(next);
                Sse.Prefetch0(next + (3 * HeldEvent.UnitBytes) - 1);
            }

            return true;
        }

        private byte* AddChunk()
        {
            if (_chunkCount == _chunks.Length)
            {
                var chunks = new HeldChunk[_chunks.Length * 2];
                for (int i = 0; i < _chunkCount; i++)
                {
                    chunks[i] = _chunks[(_firstChunk + i) & (_chunks.Length - 1)];
                }

                _chunks = chunks;
                _firstChunk = 0;
            }

            HeldChunk chunk = pool.Count > 0 ? pool.Pop() : new HeldChunk();
            _chunks[(_firstChunk + _chunkCount) & (_chunks.Length - 1)] = chunk;
            if (_chunkCount++ == 0)
            {
                _headUnits = chunk.Units;
                _head = 0;
            }

            _tailUnits = chunk.Units;
            return chunk.Units;
        }

        /// <summary>The head's chunk is read: back to the pool; the next chunk becomes the head's.</summary>
        private byte* ReleaseHeadChunk()
        {
            pool.Push(_chunks[_firstChunk]);
            _chunks[_firstChunk] = null!;
            _firstChunk = (_firstChunk + 1) & (_chunks.Length - 1);
            _chunkCount--;
            _headUnits = _chunks[_firstChunk].Units;
            return _headUnits;
        }
    }
}
