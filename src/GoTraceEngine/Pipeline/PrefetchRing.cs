using System.Runtime.CompilerServices;
using GoTraceEngine.Parsing;
using GoTraceEngine.State;

namespace GoTraceEngine.Pipeline;

/// <summary>
/// Holds the last few events between the orderer and the tables, and prefetches each one's table slots as it enters:
/// by the time an event is applied, <see cref="Depth"/> events later, its goroutine's entry is in cache. At 100 k–1 M
/// live goroutines the tables outgrow the caches and every event otherwise waits out a miss (measured:
/// <c>bench/results/amd-epyc-2core/perf-prep.md</c>, ApplyDelayBench, depth 16 with both tables: 2.09× at 100 k
/// live, 1.45× at 1 M). While the tables are small enough to stay cached the ring is skipped (it would only cost).
/// </summary>
/// <remarks>
/// <para>Order is kept: events leave in the order they entered. Single writer; a struct held in a field of its owner.</para>
/// <para>An apply turn of both cores parsing does without it: its batch is already in memory in the order it applies,
/// so it looks <see cref="Depth"/> events ahead in the batch instead (<see cref="PrefetchSlots"/>), and no event is
/// copied into the ring and out again.</para>
/// </remarks>
internal struct PrefetchRing
{
    /// <summary>How many events an event waits behind: enough lead time for a miss to a random slot.</summary>
    public const int Depth = 16;

    private const int Mask = Depth - 1;

    private TraceEvent[]? _ring;
    private int _head;
    private int _count;

    /// <summary>Events held, not yet applied.</summary>
    public readonly int Count => _count;

    /// <summary>Takes an event for the tables: applied now while they are small, else prefetched and applied <see cref="Depth"/> events later.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Push<TApplier>(in TraceEvent e, GoroutineState state, ref TApplier applier)
        where TApplier : struct, IEventSink
    {
        OpenTable<LiveValue> live = state.Live;
        if (_count == 0 && !live.IsPrefetchUseful)
        {
            applier.ApplyNow(in e);
            return;
        }

        PrefetchSlots(in e, state);
        TraceEvent[] ring = _ring ??= new TraceEvent[Depth];
        if (_count == Depth)
        {
            applier.ApplyNow(in ring[_head]);
            ring[_head] = e;
            _head = (_head + 1) & Mask;
            return;
        }

        ring[(_head + _count) & Mask] = e;
        _count++;
    }

    /// <summary>
    /// Starts loading the table slots <paramref name="e"/> will touch: the live table's for every event with a g, the
    /// blocked table's for a ready or a blocking park. A hint: it changes nothing.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void PrefetchSlots(in TraceEvent e, GoroutineState state)
    {
        if (e.GPointer != 0)
        {
            // Creates add to the live table and destroys remove from it; blocking parks add to the blocked table and
            // readies remove from it. Those read the key's whole cluster; the other events look their key up.
            if (e.Kind is TraceEventKind.Destroy or TraceEventKind.Create)
            {
                state.Live.PrefetchCluster(e.GPointer);
            }
            else
            {
                state.Live.Prefetch(e.GPointer);
            }

            if (e.Kind == TraceEventKind.Ready || (e.Kind == TraceEventKind.Park && state.Reasons.IsBlocking(e.Reason)))
            {
                state.Blocked.PrefetchCluster(e.GPointer);
            }
        }
    }

    /// <summary>Applies every held event, in order.</summary>
    public void Flush<TApplier>(ref TApplier applier)
        where TApplier : struct, IEventSink
    {
        TraceEvent[]? ring = _ring;
        while (_count > 0)
        {
            applier.ApplyNow(in ring![_head]);
            _head = (_head + 1) & Mask;
            _count--;
        }
    }
}

/// <summary>Where <see cref="PrefetchRing"/> applies events. Implement it on a <see langword="struct"/>.</summary>
internal interface IEventSink
{
    /// <summary>Applies an event to the tables and whatever observes them.</summary>
    void ApplyNow(in TraceEvent e);
}
