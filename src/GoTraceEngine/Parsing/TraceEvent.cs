using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace GoTraceEngine.Parsing;

/// <summary>
/// One parsed tracer line: a goroutine lifecycle event or a tick. It holds no references, so it can be copied,
/// stored and compared freely, and it never points into the buffer it was parsed from.
/// </summary>
/// <remarks>
/// Optional values are meaningful only when <see cref="Fields"/> says the tracer printed them; otherwise they are 0.
/// Function names are ids interned by the engine that parsed the line (<see cref="TraceEngine{TSink}.GetFunctionName"/>).
/// The script's own counters (<see cref="ScriptCount"/>, <see cref="ScriptBlockedCount"/>, <see cref="ScriptBlocked"/>)
/// are reported for comparison only: the engine never trusts them.
/// </remarks>
[StructLayout(LayoutKind.Auto)]
public readonly struct TraceEvent
{
    // A create's parent= and a park's since=: one slot, as no event has both (an 8-byte field would grow every event
    // the engine copies and holds in its reorder window, for a value only a snapshot's parks carry).
    private readonly ulong _parentOrSince;

    /// <summary>Creates an event. Parsers and tests use this; the engine never needs to.</summary>
    /// <param name="kind">What happened.</param>
    /// <param name="gPointer">The address of the goroutine's <c>g</c> struct (0 for ticks).</param>
    /// <param name="lineNumber">The 1-based line number the event was read from.</param>
    /// <param name="fields">Which optional values are present.</param>
    /// <param name="parent">
    /// The creator's g pointer (<c>parent=</c>); for a park whose <paramref name="fields"/> hold
    /// <see cref="TraceEventFields.BlockedSince"/>, that time instead (<see cref="BlockedSince"/>: the two share their
    /// storage, as a park has no parent).
    /// </param>
    /// <param name="reason">The park reason code, masked to 8 bits (<c>reason=</c>).</param>
    /// <param name="scriptCount">The script's live counter (<c>count=</c>).</param>
    /// <param name="scriptBlockedCount">The script's blocked counter (<c>blocked_count=</c>).</param>
    /// <param name="scriptBlocked">The script's own verdict on a park (<c>blocked=</c>).</param>
    /// <param name="timestamp">Nanoseconds on the tracer's clock (<c>ts=</c>).</param>
    /// <param name="goId">The goroutine id (<c>goid=</c>).</param>
    /// <param name="startFunction">The interned start function id (<c>fn=</c>).</param>
    /// <param name="creator">The interned creator function id (<c>creator=</c>).</param>
    /// <param name="waitObject">The address parked on (<c>obj=</c>).</param>
    /// <param name="waitReason">The runtime's waitReason code, masked to 8 bits (<c>wait=</c>).</param>
    /// <param name="creatorPc">The <c>go</c> statement's pc (<c>gopc=</c>).</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TraceEvent(
        TraceEventKind kind,
        ulong gPointer,
        long lineNumber,
        TraceEventFields fields = TraceEventFields.None,
        ulong parent = 0,
        byte reason = 0,
        long scriptCount = 0,
        long scriptBlockedCount = 0,
        bool scriptBlocked = false,
        long timestamp = 0,
        long goId = 0,
        int startFunction = 0,
        int creator = 0,
        ulong waitObject = 0,
        byte waitReason = 0,
        ulong creatorPc = 0)
    {
        Kind = kind;
        GPointer = gPointer;
        LineNumber = lineNumber;
        Fields = fields;
        _parentOrSince = parent;
        Reason = reason;
        ScriptCount = scriptCount;
        ScriptBlockedCount = scriptBlockedCount;
        ScriptBlocked = scriptBlocked;
        Timestamp = timestamp;
        GoId = goId;
        StartFunction = startFunction;
        Creator = creator;
        WaitObject = waitObject;
        WaitReason = waitReason;
        CreatorPc = creatorPc;
    }

    /// <summary>What happened.</summary>
    public TraceEventKind Kind { get; }

    /// <summary>Which optional values the tracer printed.</summary>
    public TraceEventFields Fields { get; }

    /// <summary>The park reason code (<c>reason=</c>), masked to its low 8 bits as the runtime's <c>uint8</c> enum is.</summary>
    public byte Reason { get; }

    /// <summary>The runtime's waitReason code (<c>wait=</c>), masked to 8 bits.</summary>
    public byte WaitReason { get; }

    /// <summary>The script's verdict on a park (<c>blocked=</c>); informational only.</summary>
    public bool ScriptBlocked { get; }

    /// <summary>The interned id of the goroutine's start function (<c>fn=</c>), or 0.</summary>
    public int StartFunction { get; }

    /// <summary>The interned id of the function that ran the <c>go</c> statement (<c>creator=</c>), or 0.</summary>
    public int Creator { get; }

    /// <summary>The address of the goroutine's <c>g</c> struct: the key of the goroutine tables. 0 for ticks.</summary>
    public ulong GPointer { get; }

    /// <summary>The creating goroutine's g pointer, printed by the seed script as <c>parent=%d</c>.</summary>
    public ulong Parent => IsFoundBlocked ? 0 : _parentOrSince;

    /// <summary>
    /// For a park of a goroutine that was found blocked when the trace began (<c>since=</c>, written by
    /// <c>gotrace trace -p</c> from the runtime's <c>g.waitsince</c>): about when, on the tracer's clock, it began to
    /// wait; otherwise 0.
    /// </summary>
    public long BlockedSince => IsFoundBlocked ? (long)_parentOrSince : 0;

    // Only a park carries since= (the parser drops it elsewhere; a caller's event of another kind keeps its parent).
    /// <summary>The slot <see cref="Parent"/> and <see cref="BlockedSince"/> share, as stored (for a copy in another layout).</summary>
    internal ulong ParentOrSince => _parentOrSince;

    private bool IsFoundBlocked => (Fields & TraceEventFields.BlockedSince) != 0 && Kind == TraceEventKind.Park;

    /// <summary>The address the goroutine parked on (<c>obj=</c>: <c>gopark</c>'s lock argument), or 0.</summary>
    public ulong WaitObject { get; }

    /// <summary>
    /// The pc of the <c>go</c> statement that created the goroutine (<c>gopc=</c>: the runtime's <c>g.gopc</c>), or 0.
    /// A <c># gotrace site</c> line of the same trace names its function and <c>file:line</c>.
    /// </summary>
    public ulong CreatorPc { get; }

    /// <summary>The 1-based number of the line this event was read from.</summary>
    public long LineNumber { get; }

    /// <summary>Nanoseconds on the tracer's clock (<c>ts=</c>), or 0.</summary>
    public long Timestamp { get; }

    /// <summary>The goroutine id (<c>goid=</c>), or 0.</summary>
    public long GoId { get; }

    /// <summary>The script's own live counter (<c>count=</c>); informational only.</summary>
    public long ScriptCount { get; }

    /// <summary>The script's own blocked counter (<c>blocked_count=</c>); informational only.</summary>
    public long ScriptBlockedCount { get; }

    /// <summary>Whether the tracer printed <paramref name="field"/>.</summary>
    /// <param name="field">The field to test.</param>
    /// <returns><see langword="true"/> when every flag of <paramref name="field"/> is present.</returns>
    public bool Has(TraceEventFields field) => (Fields & field) == field;

    /// <summary>Returns a copy with another timestamp (used to place an untimed line among timed ones).</summary>
    /// <param name="timestamp">The timestamp.</param>
    /// <returns>The copy; <see cref="Fields"/> is unchanged.</returns>
    internal TraceEvent WithTimestamp(long timestamp) => new(
        Kind, GPointer, LineNumber, Fields, _parentOrSince, Reason, ScriptCount, ScriptBlockedCount, ScriptBlocked,
        timestamp, GoId, StartFunction, Creator, WaitObject, WaitReason, CreatorPc);
}
