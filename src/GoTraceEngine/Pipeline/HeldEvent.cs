using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using GoTraceEngine.Parsing;

namespace GoTraceEngine.Pipeline;

/// <summary>
/// An event as the reorder buffer's lanes hold it: every value of a <see cref="TraceEvent"/> but the script's two
/// counters, in 48 bytes, or 72 when it carries a go statement's pc, or both a wait object and a goid. A
/// <see cref="TraceEvent"/> is 88 bytes.
/// </summary>
/// <remarks>
/// <para>A reorder window holds what the trace did in its last 2 s: about 400 000 events at 200 000 a second. Each is
/// written to a lane and read back a window later, after it has left the caches, so its size is most of the window's
/// memory (35 MB at 88 bytes, 19 MB at 48) and the memory traffic of holding it. A park carries its wait object (and
/// <c>since=</c> when read from a process's memory), a ready or an exit nothing more: 48 bytes. A create carries a
/// parent, a goid and, from the bundled tracers, the pc of its <c>go</c> statement: 72 bytes, as does a park that
/// carries a goroutine's identity (the attach script's).</para>
/// <para>Lanes count in 24-byte units: an event takes two or three. The first unit holds the line number (44 bits)
/// with the fields (16) and the layout (2 bits); the two name ids (21 bits each) with the reason, the waitReason, the
/// kind and the script's verdict; and the timestamp. The second holds the g pointer, the parent or since slot, and
/// the wait object or the goid (whichever is not zero, a bit says which: chosen and read back without a branch, as
/// the kinds of consecutive events follow no pattern a branch predictor could learn). An extended event keeps the wait
/// object there and the goid and the pc in a third unit. An event with a script counter (the article's ticks and
/// <c>count=</c> lines, rare among timed events) or a line number past 2^44 does not fit: the buffer keeps it in its
/// heap instead (<see cref="Fits"/>). A unit of kind 0 is padding: an event that would straddle a chunk's end starts
/// the next chunk.</para>
/// </remarks>
[StructLayout(LayoutKind.Sequential, Size = 2 * UnitBytes)]
internal struct HeldEvent
{
    /// <summary>The bytes of a unit: an event takes two or three.</summary>
    public const int UnitBytes = 24;

    private const int LineBits = 44;
    private const ulong LineMask = (1UL << LineBits) - 1;
    private const int FieldsShift = LineBits;
    private const int LayoutShift = FieldsShift + 16;

    /// <summary>The value word holds the goid (and the wait object is 0).</summary>
    private const ulong GoIdInValue = 1UL << LayoutShift;

    /// <summary>Three units: the wait object in the value word, the goid and the pc in the third unit.</summary>
    private const ulong Extended = 2UL << LayoutShift;

    private const int NameBits = 21;
    private const ulong NameMask = (1UL << NameBits) - 1;
    private const int ReasonShift = 2 * NameBits;
    private const int WaitReasonShift = ReasonShift + 8;
    private const int KindShift = WaitReasonShift + 8;
    private const int ScriptBlockedShift = KindShift + 3;

    // First unit: what a lane reads to place and order the event, and whether a unit is padding.
    private ulong _lineAndFields;
    private ulong _namesAndCodes;
    public long Timestamp;

    // Second unit.
    private ulong _gPointer;
    private ulong _parentOrSince;
    private ulong _value;

    // A third unit, when extended: the goid, the pc and a word left unused.
    private struct Extension
    {
        public long GoId;
        public ulong CreatorPc;
    }

    /// <summary>The line number the event was read from.</summary>
    public readonly long LineNumber
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => (long)(_lineAndFields & LineMask);
    }

    /// <summary>Whether this unit is padding, not an event.</summary>
    public readonly bool IsPadding
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => (_namesAndCodes >> KindShift & 7) == 0;
    }

    /// <summary>The units this event takes: 2 or 3.</summary>
    public readonly int Units
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => 2 + (int)((_lineAndFields & Extended) >> (LayoutShift + 1));
    }

    /// <summary>
    /// Whether <paramref name="e"/> can be held: no script counter, a line number under 2^44, name ids and a kind
    /// within their bits (the parsers' are: <see cref="NameTable.MaxNames"/> is 2^20), and a kind other than none.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Fits(in TraceEvent e) =>
        ((ulong)(e.ScriptCount | e.ScriptBlockedCount)
            | ((ulong)e.LineNumber >> LineBits)
            | (((uint)e.StartFunction | (uint)e.Creator) >> NameBits)
            | ((uint)(byte)e.Kind - 1 >= 7 ? 1UL : 0UL)) == 0;

    /// <summary>The units <paramref name="e"/> (which <see cref="Fits"/>) takes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int UnitsFor(in TraceEvent e) => IsExtended(in e) ? 3 : 2;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsExtended(in TraceEvent e) => ((e.WaitObject != 0) & (e.GoId != 0)) | (e.CreatorPc != 0);

    /// <summary>Writes <paramref name="e"/> (which <see cref="Fits"/>) at <paramref name="at"/>, in two units or three.</summary>
    /// <returns>The units written.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe int Write(HeldEvent* at, in TraceEvent e)
    {
        ulong layout;
        int units = 2;
        if (IsExtended(in e))
        {
            units = 3;
            layout = Extended;
            at->_value = e.WaitObject;
            Extension* extension = (Extension*)((byte*)at + (2 * UnitBytes));
            extension->GoId = e.GoId;
            extension->CreatorPc = e.CreatorPc;
        }
        else
        {
            // One of the two is 0.
            ulong goId = (ulong)e.GoId;
            layout = (goId != 0 ? 1UL : 0UL) << LayoutShift;
            at->_value = e.WaitObject | goId;
        }

        at->_lineAndFields = (ulong)e.LineNumber | ((ulong)e.Fields << FieldsShift) | layout;
        at->_namesAndCodes = (uint)e.StartFunction
            | ((ulong)(uint)e.Creator << NameBits)
            | ((ulong)e.Reason << ReasonShift)
            | ((ulong)e.WaitReason << WaitReasonShift)
            | ((ulong)e.Kind << KindShift)
            | ((e.ScriptBlocked ? 1UL : 0UL) << ScriptBlockedShift);
        at->Timestamp = e.Timestamp;
        at->_gPointer = e.GPointer;
        at->_parentOrSince = e.ParentOrSince;
        return units;
    }

    /// <summary>Writes a padding unit (the chunk's rest is not read).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void WritePadding(HeldEvent* at) => at->_namesAndCodes = 0;

    /// <summary>The event held at <paramref name="at"/>, as it was written.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe TraceEvent Read(HeldEvent* at)
    {
        ulong lineAndFields = at->_lineAndFields;
        ulong codes = at->_namesAndCodes;
        ulong value = at->_value;
        ulong goIdMask = 0UL - ((lineAndFields >> LayoutShift) & 1);
        long goId = (long)(value & goIdMask);
        ulong creatorPc = 0;
        if ((lineAndFields & Extended) != 0)
        {
            Extension* extension = (Extension*)((byte*)at + (2 * UnitBytes));
            goId = extension->GoId;
            creatorPc = extension->CreatorPc;
        }

        return new TraceEvent(
            (TraceEventKind)((codes >> KindShift) & 7),
            at->_gPointer,
            (long)(lineAndFields & LineMask),
            (TraceEventFields)(ushort)(lineAndFields >> FieldsShift),
            at->_parentOrSince,
            (byte)(codes >> ReasonShift),
            scriptBlocked: ((codes >> ScriptBlockedShift) & 1) != 0,
            timestamp: at->Timestamp,
            goId: goId,
            startFunction: (int)(codes & NameMask),
            creator: (int)((codes >> NameBits) & NameMask),
            waitObject: value & ~goIdMask,
            waitReason: (byte)(codes >> WaitReasonShift),
            creatorPc: creatorPc);
    }
}
