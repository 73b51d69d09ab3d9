using System.Runtime.CompilerServices;
using GoTraceEngine.Parsing;

namespace GoTraceEngine.Pipeline;

/// <summary>A binary min-heap of events by (timestamp, line): the reorder buffer's fallback for orderings its lanes cannot take.</summary>
internal sealed class EventHeap
{
    private TraceEvent[] _heap = new TraceEvent[64];
    private int _count;

    public int Count => _count;

    public ref readonly TraceEvent Top => ref _heap[0];

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
        ReorderBuffer.Earlier(a.Timestamp, a.LineNumber, b.Timestamp, b.LineNumber);
}
