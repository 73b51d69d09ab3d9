using System.Runtime.CompilerServices;
using GoTraceEngine.Parsing;

namespace GoTraceEngine.State;

/// <summary>
/// Applies events to the live and blocked tables. A create adds to live (a create for a g that is already live means
/// its destroy was missed: an anomaly, and a fresh record). A park with a blocking reason blocks; any other park, a
/// ready or a destroy unblocks; a destroy removes. Events for a g never seen created (older than the trace) are counted
/// and ignored. Single writer; not thread-safe.
/// </summary>
internal sealed class GoroutineState
{
    private readonly OpenTable<LiveValue> _live;
    private readonly OpenTable<BlockedValue> _blocked;
    private readonly ReasonTable _reasons;

    public GoroutineState(ReasonTable reasons, int initialCapacity)
    {
        _reasons = reasons;
        _live = new OpenTable<LiveValue>(initialCapacity);
        _blocked = new OpenTable<BlockedValue>(initialCapacity);
    }

    public OpenTable<LiveValue> Live => _live;

    public OpenTable<BlockedValue> Blocked => _blocked;

    public ReasonTable Reasons => _reasons;

    /// <summary>Creates for a g that was already live: its destroy was missed (lost, or printed out of order).</summary>
    public long MissedDestroys { get; private set; }

    /// <summary>Parks of goroutines the trace never saw created.</summary>
    public long UntrackedParks { get; private set; }

    /// <summary>Readies of goroutines the trace never saw created.</summary>
    public long UntrackedReadies { get; private set; }

    /// <summary>Destroys of goroutines the trace never saw created.</summary>
    public long UntrackedDestroys { get; private set; }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(in TraceEvent e)
    {
        switch (e.Kind)
        {
            case TraceEventKind.Create:
                Create(e.GPointer, e.Parent, e.LineNumber);
                break;
            case TraceEventKind.Park:
                Park(e.GPointer, e.Reason, e.LineNumber);
                break;
            case TraceEventKind.Ready:
                Ready(e.GPointer);
                break;
            case TraceEventKind.Destroy:
                Destroy(e.GPointer);
                break;
            default:
                break;
        }
    }

    private void Create(ulong g, ulong parent, long lineNumber)
    {
        ref LiveValue value = ref _live.GetValueRefOrAddDefault(g, out bool exists);
        if (exists)
        {
            MissedDestroys++;
            _blocked.Remove(g);
        }

        value.Parent = parent;
        value.CreateLineNumber = lineNumber;
    }

    private void Park(ulong g, byte reason, long lineNumber)
    {
        if (!_live.ContainsKey(g))
        {
            UntrackedParks++;
            return;
        }

        if (_reasons.IsBlocking(reason))
        {
            ref BlockedValue value = ref _blocked.GetValueRefOrAddDefault(g, out bool exists);

            // A second park with no ready between (the prologue retried after morestack) is the same park: keep its line.
            if (!exists || value.Reason != reason)
            {
                value.Reason = reason;
                value.ParkLineNumber = lineNumber;
            }
        }
        else
        {
            _blocked.Remove(g);
        }
    }

    private void Ready(ulong g)
    {
        if (!_live.ContainsKey(g))
        {
            UntrackedReadies++;
            return;
        }

        _blocked.Remove(g);
    }

    private void Destroy(ulong g)
    {
        if (!_live.Remove(g))
        {
            UntrackedDestroys++;
            return;
        }

        _blocked.Remove(g);
    }
}
