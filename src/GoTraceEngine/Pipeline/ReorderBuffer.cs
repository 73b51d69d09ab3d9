using System.Runtime.CompilerServices;
using GoTraceEngine.Parsing;

namespace GoTraceEngine.Pipeline;

/// <summary>
/// A binary min-heap of events ordered by (timestamp, line number): it holds timestamped events until the reorder
/// window has passed them, so that events from per-CPU buffers reach the tables in time order. Events hold no
/// references, so the heap is one array that grows to the window's size and is then reused.
/// </summary>
internal sealed class ReorderBuffer
{
    private TraceEvent[] _heap = new TraceEvent[256];
    private int _count;

    public int Count => _count;

    /// <summary>The smallest timestamp held; only valid when <see cref="Count"/> &gt; 0.</summary>
    public long MinTimestamp => _heap[0].Timestamp;

    public void Push(in TraceEvent e)
    {
        if (_count == _heap.Length)
        {
            Array.Resize(ref _heap, _heap.Length * 2);
        }

        TraceEvent[] heap = _heap;
        int i = _count++;
        while (i > 0)
        {
            int parent = (i - 1) >> 1;
            if (!Less(in e, in heap[parent]))
            {
                break;
            }

            heap[i] = heap[parent];
            i = parent;
        }

        heap[i] = e;
    }

    public TraceEvent Pop()
    {
        TraceEvent[] heap = _heap;
        TraceEvent top = heap[0];
        int count = --_count;
        if (count > 0)
        {
            TraceEvent last = heap[count];
            int i = 0;
            while (true)
            {
                int child = (2 * i) + 1;
                if (child >= count)
                {
                    break;
                }

                if (child + 1 < count && Less(in heap[child + 1], in heap[child]))
                {
                    child++;
                }

                if (!Less(in heap[child], in last))
                {
                    break;
                }

                heap[i] = heap[child];
                i = child;
            }

            heap[i] = last;
        }

        heap[count] = default;
        return top;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Less(in TraceEvent a, in TraceEvent b) =>
        a.Timestamp < b.Timestamp || (a.Timestamp == b.Timestamp && a.LineNumber < b.LineNumber);
}
