using System.Runtime.CompilerServices;

namespace GoTraceEngine.Parsing;

/// <summary>
/// Parses the blank-separated <c>key=value</c> fields after an event line's keyword into a <see cref="TraceEvent"/>.
/// Keys are order-free, unknown keys are ignored (so tracers can add fields), an optional field whose value cannot
/// be read is dropped with the event kept, and a missing or bad required field makes the line malformed.
/// Stateless; never allocates except for a function name's first sighting in the <see cref="NameTable"/>.
/// </summary>
/// <remarks>
/// <para>One pass: a token's key is matched by its first byte and a compare with its <see cref="Keywords"/> literal,
/// and its value is parsed (<see cref="NumberParser"/> hex or decimal, or an interned name) while it is scanned, so a
/// line's bytes are read about once. What is done with a value (kept and flagged, or dropped with the first failure
/// reported) is one helper for numbers and one for names; only the key → variable mapping is spelled out, one arm a
/// key (alike by design: <c>duplicates</c> pairing the arms is a deliberate exception).</para>
/// <para>Lines as the tracers print them (each field once, in their order, one space apart) are read first by
/// straight-line code that expects each key in turn (<see cref="TryParsePrinted"/>, <see cref="TryParsePrintedIdentity"/>);
/// a line it does not recognise is read by the general loop (<see cref="ParseFields"/>) from its start, and both make
/// the same event of any line.</para>
/// <para>Why not one table-driven loop for the fields: it was built and measured, and lost. A <c>Match</c> switch
/// returning a 4-byte row (field, key length, value kind, failure) and one read-by-kind into an <c>[InlineArray]</c>
/// of values (on the stack, not in registers), against the pre-split parser, interleaved in one process on 2 M
/// generated events (AMD EPYC, 2 shared cores, .NET 10): 1.15x the time on the seed format (233 vs 203 ms, median of
/// 15) and 1.14x on the full format (300 vs 264 ms); in one BenchmarkDotNet run (<c>ParserBench</c>, medians,
/// ratio to the naive baseline): seed 210.5 vs 203.2 ms (6.42x vs 6.98x faster than naive), full 264.1 vs 238.9 ms
/// (5.34x vs 5.96x). These arms, measured the same way: 1.01 to 1.07x (seed) and 0.92 to 1.04x (full) the pre-split
/// parser's time by median over three interleaved runs, within the noise of that shared machine.</para>
/// </remarks>
internal static class EventFieldParser
{
    /// <summary>Parses <paramref name="fields"/> as the fields of an event of <paramref name="kind"/>.</summary>
    /// <param name="kind">The event's kind, from its keyword.</param>
    /// <param name="fields">The line after the keyword.</param>
    /// <param name="lineNumber">The 1-based line number, stored in the event.</param>
    /// <param name="names">Where <c>fn=</c> and <c>creator=</c> names are interned; when null they are ignored.</param>
    /// <param name="e">The event, or default.</param>
    /// <param name="failure">Why the line is malformed; for an event, the first optional field that was dropped.</param>
    /// <param name="presetG">The g pointer when the line gave it before its fields (the seed's first script), else 0.</param>
    /// <returns><see cref="LineCategory.Event"/> or <see cref="LineCategory.Malformed"/>.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static LineCategory Parse(
        TraceEventKind kind, ReadOnlySpan<byte> fields, long lineNumber, NameTable? names, out TraceEvent e, out ParseFailure failure, ulong presetG = 0)
    {
        // A timed create or park is most often the bundled tracers' (with the goroutine's identity, or a park without
        // it); anything else, the article's script's or a ready or an exit.
        if (presetG == 0
            && (kind is TraceEventKind.Create or TraceEventKind.Park && fields.StartsWith(" ts="u8)
                ? TryParsePrintedIdentity(kind, fields, lineNumber, names, out e) || TryParsePrinted(kind, fields, lineNumber, out e)
                : TryParsePrinted(kind, fields, lineNumber, out e)))
        {
            failure = ParseFailure.None;
            return LineCategory.Event;
        }

        return ParseFields(kind, fields, lineNumber, names, out e, out failure, presetG);
    }

    /// <summary>
    /// The fast path for a line as the bundled tracers and the article's script print it, except one that names its
    /// goroutine's function (<see cref="TryParsePrintedIdentity"/>): the fields of a park, a ready, an exit or a create,
    /// each once, in the order <c>ts= goroutine= parent= blocked= reason= wait= obj= count= blocked_count=</c> (any of them but
    /// <c>goroutine=</c> left out), one space before each, every value readable, a non-zero g, a park's reason, and
    /// nothing after the last. Such a line is read straight through, without the key dispatch and the stack of
    /// <see cref="ParseFields"/>; any other line returns false, and <see cref="ParseFields"/> reads it from the start.
    /// The event is the one <see cref="ParseFields"/> makes of the same line (<c>PrintedLineParserTests</c> hold the two
    /// to that).
    /// </summary>
    /// <param name="kind">The event's kind, from its keyword.</param>
    /// <param name="s">The line after the keyword.</param>
    /// <param name="lineNumber">The 1-based line number, stored in the event.</param>
    /// <param name="e">The event, or default.</param>
    /// <returns>Whether the line had that form.</returns>
    internal static bool TryParsePrinted(TraceEventKind kind, ReadOnlySpan<byte> s, long lineNumber, out TraceEvent e)
    {
        int i = 0;
        long timestamp = 0, parent = 0, blocked = 0, reason = 0, waitReason = 0, count = 0, blockedCount = 0;
        ulong waitObject = 0;
        TraceEventFields present = TraceEventFields.None;
        if (kind is TraceEventKind.Create or TraceEventKind.Park or TraceEventKind.Ready or TraceEventKind.Destroy
            && Head(s, ref i, ref timestamp, out ulong g, ref present)
            && (i == s.Length // a ready's or an exit's line most often ends here: no key tested after it
                || (Decimal(s, ref i, " parent="u8, TraceEventFields.Parent, ref parent, ref present)
                    && Decimal(s, ref i, " blocked="u8, TraceEventFields.ScriptBlocked, ref blocked, ref present)
                    && Decimal(s, ref i, " reason="u8, TraceEventFields.Reason, ref reason, ref present)
                    && Decimal(s, ref i, " wait="u8, TraceEventFields.WaitReason, ref waitReason, ref present)
                    && Hex(s, ref i, " obj="u8, TraceEventFields.WaitObject, ref waitObject, ref present)
                    && Decimal(s, ref i, " count="u8, TraceEventFields.ScriptCount, ref count, ref present)
                    && Decimal(s, ref i, " blocked_count="u8, TraceEventFields.ScriptBlockedCount, ref blockedCount, ref present)
                    && i == s.Length))
            && (kind != TraceEventKind.Park || (present & TraceEventFields.Reason) != 0))
        {
            // As ParseFields stores them: the reason and wait reason are a uint8 in the runtime.
            e = new TraceEvent(
                kind, g, lineNumber, present, (ulong)parent, (byte)reason, count, blockedCount, blocked != 0,
                timestamp, waitObject: waitObject, waitReason: (byte)waitReason);
            return true;
        }

        e = default;
        return false;
    }

    /// <summary>
    /// <see cref="TryParsePrinted"/> for a create, or a park of the attach script, that names its goroutine, as the
    /// bundled tracers print them: <c>ts= goroutine=</c>, then a create's <c>parent=</c> or a park's <c>reason= wait=
    /// obj=</c>, then <c>goid= gopc= fn= creator=</c>; any of them but <c>goroutine=</c> and a park's reason left out.
    /// The names are interned only once the line is known to have that form: a line without it changes nothing.
    /// </summary>
    /// <param name="kind">The event's kind: <see cref="TraceEventKind.Create"/> or <see cref="TraceEventKind.Park"/>.</param>
    /// <param name="s">The line after the keyword.</param>
    /// <param name="lineNumber">The 1-based line number, stored in the event.</param>
    /// <param name="names">Where <c>fn=</c> and <c>creator=</c> names are interned; when null they are ignored.</param>
    /// <param name="e">The event, or default.</param>
    /// <returns>Whether the line had that form.</returns>
    internal static bool TryParsePrintedIdentity(TraceEventKind kind, ReadOnlySpan<byte> s, long lineNumber, NameTable? names, out TraceEvent e)
    {
        int i = 0;
        long timestamp = 0, parent = 0, reason = 0, waitReason = 0, goId = 0;
        ulong waitObject = 0, creatorPc = 0;
        TraceEventFields present = TraceEventFields.None;
        int functionStart = 0, functionEnd = 0, creatorStart = 0, creatorEnd = 0;
        if (Head(s, ref i, ref timestamp, out ulong g, ref present)
            && (kind == TraceEventKind.Create
                ? Decimal(s, ref i, " parent="u8, TraceEventFields.Parent, ref parent, ref present)
                : Decimal(s, ref i, " reason="u8, TraceEventFields.Reason, ref reason, ref present)
                    && (present & TraceEventFields.Reason) != 0
                    && Decimal(s, ref i, " wait="u8, TraceEventFields.WaitReason, ref waitReason, ref present)
                    && Hex(s, ref i, " obj="u8, TraceEventFields.WaitObject, ref waitObject, ref present))
            && (i == s.Length // a park of the bundled tracers' full script ends here: no key tested after it
                || (Decimal(s, ref i, " goid="u8, TraceEventFields.GoId, ref goId, ref present)
                    && Hex(s, ref i, " gopc="u8, TraceEventFields.CreatorPc, ref creatorPc, ref present)
                    && Token(s, ref i, " fn="u8, ref functionStart, ref functionEnd)
                    && Token(s, ref i, " creator="u8, ref creatorStart, ref creatorEnd)
                    && i == s.Length)))
        {
            // As ParseFields keeps them: in line order, and flagged only when the table gives an id (not for none, or
            // past its cap); the reason and wait reason are a uint8 in the runtime.
            int function = names is null || functionEnd == functionStart ? 0 : names.InternPrinted(s[functionStart..functionEnd]);
            int creator = names is null || creatorEnd == creatorStart ? 0 : names.InternPrinted(s[creatorStart..creatorEnd]);
            present |= (function != 0 ? TraceEventFields.StartFunction : 0) | (creator != 0 ? TraceEventFields.Creator : 0);
            e = new TraceEvent(
                kind, g, lineNumber, present, (ulong)parent, (byte)reason, timestamp: timestamp, goId: goId, startFunction: function,
                creator: creator, waitObject: waitObject, waitReason: (byte)waitReason, creatorPc: creatorPc);
            return true;
        }

        e = default;
        return false;
    }

    /// <summary>What every printed line starts with: an optional <c>ts=</c>, then a non-zero <c>goroutine=</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Head(ReadOnlySpan<byte> s, ref int i, ref long timestamp, out ulong g, ref TraceEventFields present)
    {
        if (Decimal(s, ref i, " ts="u8, TraceEventFields.Timestamp, ref timestamp, ref present) && Key(s, ref i, " goroutine="u8))
        {
            return NumberParser.ScanHex(s, ref i, out g) && g != 0;
        }

        g = 0;
        return false;
    }

    /// <summary>Whether <paramref name="key"/> (a space and a key) is at <paramref name="i"/>; if so, steps over it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Key(ReadOnlySpan<byte> s, ref int i, ReadOnlySpan<byte> key)
    {
        if (!s[i..].StartsWith(key))
        {
            return false;
        }

        i += key.Length;
        return true;
    }

    /// <summary>
    /// An optional decimal field of a printed line: true when <paramref name="key"/> is not at <paramref name="i"/>, or
    /// is and its value reads (then kept and flagged); false when the value does not read.
    /// </summary>
    /// <remarks>
    /// Apart from <see cref="Hex"/>, not one helper with a hex switch as <see cref="ParseFields"/>' number helper is:
    /// merged (values read as <c>ulong</c> and cast, as there), the seed format took 1.5 % more instructions and the
    /// full format 0.9 % (callgrind, one thread, 10 MB).
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Decimal(
        ReadOnlySpan<byte> s, ref int i, ReadOnlySpan<byte> key, TraceEventFields field, ref long value, ref TraceEventFields present)
    {
        if (!Key(s, ref i, key))
        {
            return true;
        }

        present |= field;
        return NumberParser.ScanInteger(s, ref i, out value);
    }

    /// <summary>An optional hex field of a printed line, as <see cref="Decimal"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Hex(ReadOnlySpan<byte> s, ref int i, ReadOnlySpan<byte> key, TraceEventFields field, ref ulong value, ref TraceEventFields present)
    {
        if (!Key(s, ref i, key))
        {
            return true;
        }

        present |= field;
        return NumberParser.ScanHex(s, ref i, out value);
    }

    /// <summary>An optional name field of a printed line: where it is (<see cref="Ascii.EndOfName"/>, as <see cref="ParseFields"/> reads it).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Token(ReadOnlySpan<byte> s, ref int i, ReadOnlySpan<byte> key, ref int start, ref int end)
    {
        if (Key(s, ref i, key))
        {
            start = i;
            i = Ascii.EndOfName(s, i);
            end = i;
        }

        return true;
    }

    /// <summary>The general parser behind <see cref="Parse"/>: any order, any blanks, unknown keys, failures.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static LineCategory ParseFields(
        TraceEventKind kind, ReadOnlySpan<byte> fields, long lineNumber, NameTable? names, out TraceEvent e, out ParseFailure failure, ulong presetG)
    {
        e = default;
        failure = ParseFailure.None;
        ReadOnlySpan<byte> s = fields;
        ulong g = presetG, parent = 0, reason = 0, count = 0, blockedCount = 0, blocked = 0, timestamp = 0, goId = 0;
        ulong waitObject = 0, waitReason = 0, creatorPc = 0, since = 0;
        int startFunction = 0, creator = 0;
        TraceEventFields present = TraceEventFields.None;
        ParseFailure badReason = ParseFailure.None;
        bool hasG = presetG != 0;
        int i = 0;
        while ((uint)i < (uint)s.Length)
        {
            byte first = s[i];
            if (Ascii.IsBlank(first))
            {
                i++;
                continue;
            }

            // The table of fields, one arm a key (alike by design, see the remarks: duplicates pairing them is a
            // deliberate exception). An optional field that cannot be read is dropped, not the event.
            ReadOnlySpan<byte> rest = s[i..];
            switch (first)
            {
                case (byte)'g' when rest.StartsWith(Keywords.Goroutine):
                    i += Keywords.Goroutine.Length;
                    if (!NumberParser.ScanHex(s, ref i, out g))
                    {
                        failure = ParseFailure.BadGoroutine;
                        return LineCategory.Malformed;
                    }

                    hasG = true;
                    continue;
                case (byte)'g' when rest.StartsWith(Keywords.GoId):
                    i += Keywords.GoId.Length;
                    Number(s, ref i, hex: false, ref goId, TraceEventFields.GoId, ParseFailure.BadGoId, ref present, ref failure);
                    continue;
                case (byte)'g' when rest.StartsWith(Keywords.CreatorPc):
                    i += Keywords.CreatorPc.Length;
                    Number(s, ref i, hex: true, ref creatorPc, TraceEventFields.CreatorPc, ParseFailure.BadCreatorPc, ref present, ref failure);
                    continue;
                case (byte)'p' when rest.StartsWith(Keywords.Parent):
                    i += Keywords.Parent.Length;
                    Number(s, ref i, hex: false, ref parent, TraceEventFields.Parent, ParseFailure.BadParent, ref present, ref failure);
                    continue;
                case (byte)'r' when rest.StartsWith(Keywords.Reason):
                    // A bad reason= is reported last, because on a park it makes the line malformed instead.
                    i += Keywords.Reason.Length;
                    Number(s, ref i, hex: false, ref reason, TraceEventFields.Reason, ParseFailure.BadReason, ref present, ref badReason);
                    continue;
                case (byte)'c' when rest.StartsWith(Keywords.Count):
                    i += Keywords.Count.Length;
                    Number(s, ref i, hex: false, ref count, TraceEventFields.ScriptCount, ParseFailure.BadCount, ref present, ref failure);
                    continue;
                case (byte)'c' when rest.StartsWith(Keywords.Creator):
                    i += Keywords.Creator.Length;
                    Name(s, ref i, names, ref creator, TraceEventFields.Creator, ref present);
                    continue;
                case (byte)'b' when rest.StartsWith(Keywords.BlockedCount):
                    i += Keywords.BlockedCount.Length;
                    Number(s, ref i, hex: false, ref blockedCount, TraceEventFields.ScriptBlockedCount, ParseFailure.BadBlockedCount, ref present, ref failure);
                    continue;
                case (byte)'b' when rest.StartsWith(Keywords.Blocked):
                    i += Keywords.Blocked.Length;
                    Number(s, ref i, hex: false, ref blocked, TraceEventFields.ScriptBlocked, ParseFailure.BadBlocked, ref present, ref failure);
                    continue;
                case (byte)'t' when rest.StartsWith(Keywords.Timestamp):
                    i += Keywords.Timestamp.Length;
                    Number(s, ref i, hex: false, ref timestamp, TraceEventFields.Timestamp, ParseFailure.BadTimestamp, ref present, ref failure);
                    continue;
                case (byte)'o' when rest.StartsWith(Keywords.WaitObject):
                    i += Keywords.WaitObject.Length;
                    Number(s, ref i, hex: true, ref waitObject, TraceEventFields.WaitObject, ParseFailure.BadWaitObject, ref present, ref failure);
                    continue;
                case (byte)'w' when rest.StartsWith(Keywords.WaitReason):
                    i += Keywords.WaitReason.Length;
                    Number(s, ref i, hex: false, ref waitReason, TraceEventFields.WaitReason, ParseFailure.BadWaitReason, ref present, ref failure);
                    continue;
                case (byte)'s' when rest.StartsWith(Keywords.BlockedSince):
                    i += Keywords.BlockedSince.Length;
                    Number(s, ref i, hex: false, ref since, TraceEventFields.BlockedSince, ParseFailure.BadBlockedSince, ref present, ref failure);
                    continue;
                case (byte)'f' when rest.StartsWith(Keywords.StartFunction):
                    i += Keywords.StartFunction.Length;
                    Name(s, ref i, names, ref startFunction, TraceEventFields.StartFunction, ref present);
                    continue;
                default:
                    // Unknown keys (and tokens without '=') are ignored so that tracers can add fields.
                    i = Ascii.EndOfToken(s, i);
                    continue;
            }
        }

        if (kind is TraceEventKind.Create or TraceEventKind.Park or TraceEventKind.Ready or TraceEventKind.Destroy)
        {
            if (!hasG)
            {
                failure = ParseFailure.MissingGoroutine;
                return LineCategory.Malformed;
            }

            if (g == 0)
            {
                failure = ParseFailure.ZeroGoroutine;
                return LineCategory.Malformed;
            }
        }
        else
        {
            g = 0;
        }

        if (kind == TraceEventKind.Park && (present & TraceEventFields.Reason) == 0)
        {
            // A park's reason decides whether it blocks: without it the event cannot be applied.
            failure = badReason != ParseFailure.None ? ParseFailure.BadReason : ParseFailure.MissingReason;
            return LineCategory.Malformed;
        }

        failure = failure == ParseFailure.None ? badReason : failure;
        if ((present & TraceEventFields.BlockedSince) != 0)
        {
            // Only a park has waited since: there it takes the parent's slot (a park has none; see TraceEvent).
            if (kind == TraceEventKind.Park && (long)since > 0)
            {
                parent = since;
                present &= ~TraceEventFields.Parent;
            }
            else
            {
                present &= ~TraceEventFields.BlockedSince;
            }
        }

        // The reason is a uint8 in the runtime; a tracer printing the whole register may carry junk above it.
        e = new TraceEvent(
            kind, g, lineNumber, present, parent, (byte)reason, (long)count, (long)blockedCount, blocked != 0,
            (long)timestamp, (long)goId, startFunction, creator, waitObject, (byte)waitReason, creatorPc);
        return LineCategory.Event;
    }

    /// <summary>
    /// A function's symbol as Go's tracebacks print it: a generic function's type arguments become <c>[...]</c>, from the
    /// first <c>[</c> to the last <c>]</c> (the runtime's <c>funcNamePiecesForPrint</c>), so
    /// <c>main.Gather[go.shape.int].func1</c> is <c>main.Gather[...].func1</c> and <c>main.(*Pool[go.shape.string]).run</c>
    /// is <c>main.(*Pool[...]).run</c>. Anything else is returned as is.
    /// </summary>
    /// <param name="symbol">The symbol (see <see cref="FunctionName"/>).</param>
    /// <param name="buffer">Where an elided name is written; it is cut to the buffer's length.</param>
    /// <returns><paramref name="symbol"/>, or the elided name in <paramref name="buffer"/>.</returns>
    internal static ReadOnlySpan<byte> PrintedName(ReadOnlySpan<byte> symbol, Span<byte> buffer)
    {
        int open = symbol.IndexOf((byte)'[');
        int close = open < 0 ? -1 : symbol.LastIndexOf((byte)']');
        if (close <= open)
        {
            return symbol;
        }

        var written = new SpanWriter(buffer);
        written.Write(symbol[..open]);
        written.Write("[...]"u8);
        written.Write(symbol[(close + 1)..]);
        return buffer[..written.Length];
    }

    /// <summary>Writes bytes into a buffer, dropping what does not fit.</summary>
    private ref struct SpanWriter(Span<byte> buffer)
    {
        private readonly Span<byte> _buffer = buffer;

        public int Length { get; private set; }

        public void Write(ReadOnlySpan<byte> bytes)
        {
            int take = Math.Min(bytes.Length, _buffer.Length - Length);
            bytes[..take].CopyTo(_buffer[Length..]);
            Length += take;
        }
    }

    /// <summary>
    /// A function name as a tracer prints it, reduced to the symbol: dtrace's <c>usym</c> prints <c>module`symbol</c>
    /// and <c>uaddr</c> adds <c>+0xoff</c>; bpftrace's <c>usym</c> prints the bare symbol.
    /// </summary>
    /// <param name="value">The printed name.</param>
    /// <returns>The symbol, a slice of <paramref name="value"/>.</returns>
    internal static ReadOnlySpan<byte> FunctionName(ReadOnlySpan<byte> value)
    {
        if (value.IndexOfAny(Ascii.Backtick, (byte)'+') < 0)
        {
            // The bare symbol (bpftrace, and dtrace's usym without a module): one scan instead of two searches.
            return value;
        }

        int tick = value.LastIndexOf(Ascii.Backtick);
        if (tick >= 0)
        {
            value = value[(tick + 1)..];
        }

        int plus = value.LastIndexOf("+0x"u8);
        if (plus > 0)
        {
            value = value[..plus];
        }

        return value;
    }

    /// <summary>
    /// Reads a <c>%p</c> (<paramref name="hex"/>) or <c>%d</c> value into <paramref name="value"/> and marks
    /// <paramref name="field"/> present; when it cannot be read, records <paramref name="bad"/> (if nothing was recorded
    /// before) and skips the token. <paramref name="hex"/> is a constant at every call, so each inlined copy keeps one path.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Number(
        ReadOnlySpan<byte> s, ref int i, bool hex, ref ulong value, TraceEventFields field, ParseFailure bad, ref TraceEventFields present, ref ParseFailure failure)
    {
        bool ok;
        ulong read;
        if (hex)
        {
            ok = NumberParser.ScanHex(s, ref i, out read);
        }
        else
        {
            ok = NumberParser.ScanInteger(s, ref i, out long number);
            read = (ulong)number;
        }

        if (ok)
        {
            value = read;
            present |= field;
            return;
        }

        i = Drop(s, i, bad, ref failure);
    }

    /// <summary>Interns a function name; a name is never bad: without a table (or with an empty value) it is just not there (id 0).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Name(ReadOnlySpan<byte> s, ref int i, NameTable? names, ref int id, TraceEventFields field, ref TraceEventFields present)
    {
        int start = i;
        i = Ascii.EndOfName(s, i);
        int interned = names is null ? 0 : names.InternPrinted(s[start..i]);
        if (interned != 0)
        {
            id = interned;
            present |= field;
        }
    }

    /// <summary>An optional field that cannot be read is dropped, not the event: the first such field is reported.</summary>
    /// <returns>The blank after the token, or the end: returned, not written through a <see langword="ref"/>, so the
    /// parser's index can stay in a register (see <see cref="NumberParser"/>'s slow path).</returns>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int Drop(ReadOnlySpan<byte> s, int i, ParseFailure bad, ref ParseFailure failure)
    {
        failure = failure == ParseFailure.None ? bad : failure;
        return Ascii.EndOfToken(s, i);
    }
}
