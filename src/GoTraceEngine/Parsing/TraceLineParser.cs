using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace GoTraceEngine.Parsing;

/// <summary>
/// The parser's entry: classifies one line of tracer output and, for event lines, parses it into a
/// <see cref="TraceEvent"/>. Works on the raw UTF-8 bytes of a single line (without its <c>\n</c>), never allocates
/// (but for a function name's first sighting) and never throws on bad input. Stateless and thread-safe; the
/// <see cref="NameTable"/> it is given has a single writer.
/// </summary>
/// <remarks>
/// <para>Accepted event lines, quiet (<c>dtrace -q</c>, bpftrace) or behind dtrace's non-quiet <c>CPU ID FUNCTION:NAME</c>
/// prefix or a <c>-F</c> flow marker: <c>newproc1: goroutine=%p parent=%d count=%d blocked_count=%d</c>,
/// <c>gopark: goroutine=%p blocked=%d reason=%d blocked_count=%d</c>, <c>ready: goroutine=%p</c>,
/// <c>godestroy: goroutine=%p count=%d blocked_count=%d</c>, <c>profile-1s: count=%d blocked_count=%d</c>,
/// <c>END: count=%d blocked_count=%d</c>, and the seed's first script: <c>goroutine %p created: count=%d</c>,
/// <c>goroutine %p destroyed: count=%d</c>. Keys are order-free, optional ones may be missing and unknown ones are
/// ignored (<see cref="EventFieldParser"/>).</para>
/// <para>The jobs: this type finds the payload and matches its keyword (<see cref="Keywords"/>);
/// <see cref="EventFieldParser"/> reads the fields; <see cref="LineClassifier"/> counts every other line; <c># gotrace</c>
/// lines go to <see cref="GotraceLine"/> and <see cref="SymbolLineParser"/>.</para>
/// <code>
/// LineCategory category = TraceLineParser.Parse(line, lineNumber, names, out TraceEvent e, out ParseFailure failure);
/// </code>
/// </remarks>
internal static class TraceLineParser
{
    /// <summary>Classifies <paramref name="line"/>; when it returns <see cref="LineCategory.Event"/>, <paramref name="e"/> holds the event.</summary>
    /// <param name="line">One line, without its terminating <c>\n</c>; trailing <c>\r</c>s are ignored.</param>
    /// <param name="lineNumber">The 1-based line number, stored in the event.</param>
    /// <param name="e">The event, or default.</param>
    /// <param name="failure">Why a <see cref="LineCategory.Malformed"/> line failed.</param>
    /// <returns>The line's category.</returns>
    public static LineCategory Parse(ReadOnlySpan<byte> line, long lineNumber, out TraceEvent e, out ParseFailure failure) =>
        Parse(line, lineNumber, null, out e, out failure);

    /// <summary>Classifies <paramref name="line"/>, interning function names into <paramref name="names"/>.</summary>
    /// <param name="line">One line, without its terminating <c>\n</c>; trailing <c>\r</c>s are ignored.</param>
    /// <param name="lineNumber">The 1-based line number, stored in the event.</param>
    /// <param name="names">Where <c>fn=</c> and <c>creator=</c> names are interned; when null they are ignored.</param>
    /// <param name="e">The event, or default.</param>
    /// <param name="failure">
    /// Why a <see cref="LineCategory.Malformed"/> line failed; for an <see cref="LineCategory.Event"/>, the first
    /// optional field that could not be read and was left out (the event itself is kept).
    /// </param>
    /// <returns>The line's category.</returns>
    public static LineCategory Parse(ReadOnlySpan<byte> line, long lineNumber, NameTable? names, out TraceEvent e, out ParseFailure failure)
    {
        // The event and failure are set where the line is decided: an event line's are written once, by the field parser.
        if (!line.IsEmpty && line[^1] == Ascii.Cr)
        {
            // CRLF, and the \r\r\n of a capture that went through a CRLF conversion twice.
            line = line.TrimEnd(Ascii.Cr);
        }

        // Quiet event lines start at column 0: test the first byte before searching for the first non-blank.
        int start = !line.IsEmpty && !Ascii.IsBlank(line[0]) ? 0 : line.IndexOfAnyExcept(Ascii.Blanks);
        if (start < 0)
        {
            e = default;
            failure = ParseFailure.None;
            return LineCategory.Blank;
        }

        ReadOnlySpan<byte> rest = line[start..];
        if (!Ascii.IsDigit(rest[0]))
        {
            // A quiet payload, at column 0 or behind blanks (a script whose printf starts with a blank or a tab).
            LineCategory category = ParsePayload(rest, lineNumber, names, out e, out failure);
            if (category != LineCategory.ProgramOutput)
            {
                return category;
            }

            if (start == 0)
            {
                return LineClassifier.ClassifyUnindented(line);
            }
        }
        else
        {
            // CPU numbers of three digits or more push the non-quiet prefix to column 0.
            e = default;
            failure = ParseFailure.None;
            switch (LineClassifier.SplitRecord(rest, out ReadOnlySpan<byte> payload, out LineCategory category))
            {
                case RecordShape.Classified:
                    return category;
                case RecordShape.Payload:
                    LineCategory parsed = ParsePayload(payload, lineNumber, names, out e, out failure);
                    return parsed == LineCategory.ProgramOutput ? category : parsed;
                default:
                    break;
            }
        }

        return LineClassifier.ClassifyIndented(line, rest);
    }

    /// <summary>Parses a payload that starts at a non-blank byte. Returns <see cref="LineCategory.ProgramOutput"/> when it has no keyword.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static LineCategory ParsePayload(ReadOnlySpan<byte> payload, long lineNumber, NameTable? names, out TraceEvent e, out ParseFailure failure)
    {
        // First look: the four event keywords as the tracers print them, a space after each, by one or two loads (about
        // 29 instructions a seed-format line fewer than the keyword table below, which takes every other form: a tab
        // after the keyword, the other keywords, a short line; and decides the same). One call a kind, on purpose: each
        // inlined copy of the field parser's entry knows its kind and picks its fast path without a test. Joined into
        // the table's one call (a first-look method giving kind and length), a replay took 1.1 % (full) and 1.5 % (seed)
        // more instructions (callgrind, one thread, 10 MB).
        if (payload.Length >= 16)
        {
            ulong head = BinaryPrimitives.ReadUInt64LittleEndian(payload);
            if (head == Keywords.ParkSpace)
            {
                return EventFieldParser.Parse(TraceEventKind.Park, payload[Keywords.Park.Length..], lineNumber, names, out e, out failure);
            }

            if ((head & 0x00FF_FFFF_FFFF_FFFF) == Keywords.ReadySpace)
            {
                return EventFieldParser.Parse(TraceEventKind.Ready, payload[Keywords.Ready.Length..], lineNumber, names, out e, out failure);
            }

            if (head == Keywords.CreateHead && BinaryPrimitives.ReadUInt16LittleEndian(payload[8..]) == Keywords.ColonSpace)
            {
                return EventFieldParser.Parse(TraceEventKind.Create, payload[Keywords.Create.Length..], lineNumber, names, out e, out failure);
            }

            if (head == Keywords.DestroyHead && BinaryPrimitives.ReadUInt64LittleEndian(payload[3..]) == Keywords.DestroyTail)
            {
                return EventFieldParser.Parse(TraceEventKind.Destroy, payload[Keywords.Destroy.Length..], lineNumber, names, out e, out failure);
            }
        }

        // The keyword table: one arm a keyword, its length taken from its literal (alike by design: duplicates pairing
        // its arms is a deliberate exception).
        TraceEventKind kind;
        ReadOnlySpan<byte> keyword;
        switch (payload[0])
        {
            case (byte)'n' when IsKeyword(payload, Keywords.Create):
                kind = TraceEventKind.Create;
                keyword = Keywords.Create;
                break;
            case (byte)'g' when IsKeyword(payload, Keywords.Park):
                kind = TraceEventKind.Park;
                keyword = Keywords.Park;
                break;
            case (byte)'g' when IsKeyword(payload, Keywords.Destroy):
                kind = TraceEventKind.Destroy;
                keyword = Keywords.Destroy;
                break;
            case (byte)'g' when IsKeyword(payload, Keywords.DestroyByProbeName):
                kind = TraceEventKind.Destroy;
                keyword = Keywords.DestroyByProbeName;
                break;
            case (byte)'r' when IsKeyword(payload, Keywords.Ready):
                kind = TraceEventKind.Ready;
                keyword = Keywords.Ready;
                break;
            case (byte)'p' when IsKeyword(payload, Keywords.Tick):
                kind = TraceEventKind.Tick;
                keyword = Keywords.Tick;
                break;
            case (byte)'t' when IsKeyword(payload, Keywords.TickBySecond):
                kind = TraceEventKind.Tick;
                keyword = Keywords.TickBySecond;
                break;
            case (byte)'E' when IsKeyword(payload, Keywords.End) || payload.SequenceEqual(Keywords.End):
                kind = TraceEventKind.End;
                keyword = Keywords.End;
                break;
            default:
                return ParseOtherPayload(payload, lineNumber, names, out e, out failure);
        }

        return EventFieldParser.Parse(kind, payload[keyword.Length..], lineNumber, names, out e, out failure);
    }

    /// <summary>A payload without an event keyword: the seed's first script, a <c># gotrace</c> line, or none of ours.</summary>
    private static LineCategory ParseOtherPayload(ReadOnlySpan<byte> payload, long lineNumber, NameTable? names, out TraceEvent e, out ParseFailure failure)
    {
        e = default;
        failure = ParseFailure.None;
        if (payload[0] == (byte)'g' && IsKeyword(payload, Keywords.FirstScript))
        {
            return ParseFirstScript(payload[Keywords.FirstScript.Length..], lineNumber, names, out e, out failure);
        }

        if (GotraceLine.TryRead(payload, out ReadOnlySpan<byte> body, out GotraceLine.Kind gotrace))
        {
            return gotrace == GotraceLine.Kind.Header ? LineCategory.TraceHeader : SymbolLineParser.Classify(gotrace, body, out failure);
        }

        return LineCategory.ProgramOutput;
    }

    /// <summary>The seed's first script: <c>goroutine %p created: count=%d</c> and <c>goroutine %p destroyed: count=%d</c>.</summary>
    private static LineCategory ParseFirstScript(ReadOnlySpan<byte> rest, long lineNumber, NameTable? names, out TraceEvent e, out ParseFailure failure)
    {
        e = default;
        failure = ParseFailure.None;
        rest = rest.TrimStart(Ascii.Blanks);
        int space = rest.IndexOfAny(Ascii.Blanks);
        if (space <= 0)
        {
            return LineCategory.ProgramOutput;
        }

        ReadOnlySpan<byte> pointer = rest[..space];
        ReadOnlySpan<byte> verb = rest[(space + 1)..].TrimStart(Ascii.Blanks);
        TraceEventKind kind;
        if (verb.StartsWith(Keywords.FirstScriptCreated))
        {
            kind = TraceEventKind.Create;
            verb = verb[Keywords.FirstScriptCreated.Length..];
        }
        else if (verb.StartsWith(Keywords.FirstScriptDestroyed))
        {
            kind = TraceEventKind.Destroy;
            verb = verb[Keywords.FirstScriptDestroyed.Length..];
        }
        else
        {
            // Not ours: Go's own "goroutine 1 [running]:" panic dumps start the same way.
            return LineCategory.ProgramOutput;
        }

        if (!NumberParser.TryParseHex(pointer, out ulong g))
        {
            failure = ParseFailure.BadGoroutine;
            return LineCategory.Malformed;
        }

        if (g == 0)
        {
            failure = ParseFailure.ZeroGoroutine;
            return LineCategory.Malformed;
        }

        return EventFieldParser.Parse(kind, verb, lineNumber, names, out e, out failure, g);
    }

    /// <summary>Whether <paramref name="line"/> starts with <paramref name="keyword"/> followed by a blank (fields are split on spaces and tabs).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsKeyword(ReadOnlySpan<byte> line, ReadOnlySpan<byte> keyword) =>
        line.Length > keyword.Length && line.StartsWith(keyword) && Ascii.IsBlank(line[keyword.Length]);
}
