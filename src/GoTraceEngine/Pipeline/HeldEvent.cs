using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using GoTraceEngine.Parsing;

namespace GoTraceEngine.Pipeline;

/// <summary>
/// An event as the reorder buffer's lanes hold it: every value of a <see cref="TraceEvent"/> but the script's two
/// counters, in one 48-byte slot, or in two when it carries both a wait object and a goid, or a go statement's pc. A
/// <see cref="TraceEvent"/> is 88 bytes.
/// </summary>
/// <remarks>
/// <para>A reorder window holds what the trace did in its last 2 s: about 400 000 events at 200 000 a second. Each is
/// written to a lane and read back a window later, after it has left the caches, so its size is most of the window's
/// memory (35 MB at 88 bytes, 19 MB at 48) and the memory traffic of holding it. The bundled tracers' lines fit one
/// slot: a create carries a parent and a goid, a park its wait object (and <c>since=</c> when read from a process's
/// memory), a ready or an exit neither; a park that carries a goroutine's identity (the attach script's) takes two.</para>
/// <para>Packed: the line number (44 bits) with the fields (16) and the layout (2 bits); the two name ids (21 bits
/// each) with the reason, the waitReason, the kind and the script's verdict; then the parent or since slot, and the
/// wait object or the goid (whichever is not zero, a bit says which: chosen and read back without a branch, as the
/// kinds of consecutive events do not repeat in any pattern a branch predictor could learn). A two-slot event keeps
/// the wait object there and the goid and the pc in the next slot's first words. An event with a script counter (the
/// article's ticks and <c>count=</c> lines, rare among timed events) or a line number past 2^44 does not fit: the buffer
/// keeps it in its heap instead (<see cref="Fits"/>). A slot of kind 0 is padding: a two-slot event that would
/// straddle a chunk's end starts the next chunk.</para>
/// </remarks>
[StructLayout(LayoutKind.Sequential, Size = 48)]
internal struct HeldEvent
{
    private const int LineBits = 44;
    private const ulong LineMask = (1UL << LineBits) - 1;
    private const int FieldsShift = LineBits;
    private const int LayoutShift = FieldsShift + 16;

    /// <summary>The second value word holds the goid (and the wait object is 0).</summary>
    private const ulong GoIdInValue1 = 1UL << LayoutShift;

    /// <summary>Two slots: the wait object in the second value word, the goid and the pc in the next slot.</summary>
    private const ulong TwoSlots = 2UL << LayoutShift;

    private const int NameBits = 21;
    private const ulong NameMask = (1UL << NameBits) - 1;
    private const int ReasonShift = 2 * NameBits;
    private const int WaitReasonShift = ReasonShift + 8;
    private const int KindShift = WaitReasonShift + 8;
    private const int ScriptBlockedShift = KindShift + 3;

    private const TraceEventFields Unheld = TraceEventFields.ScriptCount | TraceEventFields.ScriptBlockedCount;

    public long Timestamp;
    private ulong _gPointer;
    private ulong _lineAndFields;
    private ulong _namesAndCodes;
    private ulong _value0;
    private ulong _value1;

    /// <summary>The line number the event was read from.</summary>
    public readonly long LineNumber
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => (long)(_lineAndFields & LineMask);
    }

    /// <summary>Whether this slot is padding, not an event.</summary>
    public readonly bool IsPadding
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => (_namesAndCodes >> KindShift & 7) == 0;
    }

    /// <summary>The slots this event takes: 1 or 2.</summary>
    public readonly int Slots
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => 1 + (int)((_lineAndFields & TwoSlots) >> (LayoutShift + 1));
    }

    /// <summary>
    /// Whether <paramref name="e"/> can be held: no script counter, a line number under 2^44, name ids and a kind
    /// within their bits (the parsers' are: <see cref="NameTable.MaxNames"/> is 2^20), and a kind other than none.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Fits(in TraceEvent e) =>
        ((ulong)(e.Fields & Unheld)
            | ((ulong)e.LineNumber >> LineBits)
            | (((uint)e.StartFunction | (uint)e.Creator) >> NameBits)
            | ((uint)(byte)e.Kind - 1 >= 7 ? 1UL : 0UL)) == 0;

    /// <summary>The slots <paramref name="e"/> (which <see cref="Fits"/>) takes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int SlotsFor(in TraceEvent e) => NeedsTwoSlots(in e) ? 2 : 1;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool NeedsTwoSlots(in TraceEvent e) => ((e.WaitObject != 0) & (e.GoId != 0)) | (e.CreatorPc != 0);

    /// <summary>Writes <paramref name="e"/> (which <see cref="Fits"/>) to <paramref name="slot"/>, and the next slot when it takes two.</summary>
    /// <returns>The slots written: 1 or 2.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe int Write(HeldEvent* slot, in TraceEvent e)
    {
        ulong layout;
        int slots = 1;
        if (NeedsTwoSlots(in e))
        {
            slots = 2;
            layout = TwoSlots;
            slot->_value1 = e.WaitObject;
            slot[1].Timestamp = e.GoId;
            slot[1]._gPointer = e.CreatorPc;
        }
        else
        {
            // One of the two is 0.
            ulong goId = (ulong)e.GoId;
            layout = (goId != 0 ? 1UL : 0UL) << LayoutShift;
            slot->_value1 = e.WaitObject | goId;
        }

        slot->Timestamp = e.Timestamp;
        slot->_gPointer = e.GPointer;
        slot->_lineAndFields = (ulong)e.LineNumber | ((ulong)e.Fields << FieldsShift) | layout;
        slot->_namesAndCodes = (uint)e.StartFunction
            | ((ulong)(uint)e.Creator << NameBits)
            | ((ulong)e.Reason << ReasonShift)
            | ((ulong)e.WaitReason << WaitReasonShift)
            | ((ulong)e.Kind << KindShift)
            | ((e.ScriptBlocked ? 1UL : 0UL) << ScriptBlockedShift);
        slot->_value0 = e.ParentOrSince;
        return slots;
    }

    /// <summary>Writes a padding slot.</summary>
    public static unsafe void WritePadding(HeldEvent* slot) => *slot = default;

    /// <summary>The event held at <paramref name="slot"/> (and the next slot when it takes two), as it was written.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe TraceEvent Read(HeldEvent* slot)
    {
        ulong lineAndFields = slot->_lineAndFields;
        ulong codes = slot->_namesAndCodes;
        ulong value1 = slot->_value1;
        ulong goIdMask = 0UL - ((lineAndFields >> LayoutShift) & 1);
        ulong goId = value1 & goIdMask;
        ulong creatorPc = 0;
        if ((lineAndFields & TwoSlots) != 0)
        {
            goId = (ulong)slot[1].Timestamp;
            creatorPc = slot[1]._gPointer;
        }

        return new TraceEvent(
            (TraceEventKind)((codes >> KindShift) & 7),
            slot->_gPointer,
            (long)(lineAndFields & LineMask),
            (TraceEventFields)(ushort)(lineAndFields >> FieldsShift),
            slot->_value0,
            (byte)(codes >> ReasonShift),
            scriptBlocked: ((codes >> ScriptBlockedShift) & 1) != 0,
            timestamp: slot->Timestamp,
            goId: (long)goId,
            startFunction: (int)(codes & NameMask),
            creator: (int)((codes >> NameBits) & NameMask),
            waitObject: value1 & ~goIdMask,
            waitReason: (byte)(codes >> WaitReasonShift),
            creatorPc: creatorPc);
    }
}
