using System.Runtime.CompilerServices;
using System.Text.Unicode;

namespace GoTraceEngine.Parsing;

/// <summary>
/// Classifies one line of tracer output and, for event lines, parses it into a <see cref="TraceEvent"/>.
/// Works on the raw UTF-8 bytes of a single line (without its <c>\n</c>), never allocates and never throws on bad input.
/// </summary>
/// <remarks>
/// Accepted event lines, quiet (<c>dtrace -q</c>) or behind dtrace's non-quiet <c>CPU ID FUNCTION:NAME</c> prefix:
/// <c>newproc1: goroutine=%p parent=%d count=%d blocked_count=%d</c>, <c>gopark: goroutine=%p blocked=%d reason=%d blocked_count=%d</c>,
/// <c>ready: goroutine=%p</c>, <c>godestroy: goroutine=%p count=%d blocked_count=%d</c>, <c>profile-1s: count=%d blocked_count=%d</c>,
/// <c>END: count=%d blocked_count=%d</c>, and the seed's first script: <c>goroutine %p created: count=%d</c>,
/// <c>goroutine %p destroyed: count=%d</c>. Keys are order-free, optional ones may be missing and unknown ones are ignored.
/// Everything else is classified (<see cref="LineCategory"/>) so that every line is accounted for.
/// </remarks>
internal static class DTraceLineParser
{
    private const byte Space = (byte)' ';
    private const byte Tab = (byte)'\t';
    private const byte Cr = (byte)'\r';
    private const byte Equal = (byte)'=';
    private const byte Colon = (byte)':';
    private const byte Backtick = (byte)'`';

    /// <summary>Classifies <paramref name="line"/>; when it returns <see cref="LineCategory.Event"/>, <paramref name="e"/> holds the event.</summary>
    /// <param name="line">One line, without its terminating <c>\n</c>; a trailing <c>\r</c> is ignored.</param>
    /// <param name="lineNumber">The 1-based line number, stored in the event.</param>
    /// <param name="e">The event, or default.</param>
    /// <param name="failure">Why a <see cref="LineCategory.Malformed"/> line failed.</param>
    /// <returns>The line's category.</returns>
    public static LineCategory Parse(ReadOnlySpan<byte> line, long lineNumber, out TraceEvent e, out ParseFailure failure) =>
        Parse(line, lineNumber, null, out e, out failure);

    /// <summary>Classifies <paramref name="line"/>, interning function names into <paramref name="names"/>.</summary>
    /// <param name="line">One line, without its terminating <c>\n</c>; a trailing <c>\r</c> is ignored.</param>
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
        e = default;
        failure = ParseFailure.None;
        if (!line.IsEmpty && line[^1] == Cr)
        {
            // CRLF, and the \r\r\n of a capture that went through a CRLF conversion twice.
            line = line.TrimEnd(Cr);
        }

        // Quiet event lines start at column 0: test the first byte before searching for the first non-blank.
        int start = !line.IsEmpty && line[0] != Space && line[0] != Tab ? 0 : line.IndexOfAnyExcept(Space, Tab);
        if (start < 0)
        {
            return LineCategory.Blank;
        }

        // CPU numbers of three digits or more push the non-quiet prefix to column 0.
        if (start == 0 && !IsDigit(line[0]))
        {
            LineCategory payload = TryParsePayload(line, lineNumber, names, out e, out failure);
            return payload != LineCategory.ProgramOutput ? payload : ClassifyUnindented(line);
        }

        return ClassifyIndented(line, start, lineNumber, names, out e, out failure);
    }

    /// <summary>Parses a quiet-mode payload. Returns <see cref="LineCategory.ProgramOutput"/> when the line has no event keyword.</summary>
    private static LineCategory TryParsePayload(ReadOnlySpan<byte> line, long lineNumber, NameTable? names, out TraceEvent e, out ParseFailure failure)
    {
        e = default;
        failure = ParseFailure.None;
        TraceEventKind kind;
        int keywordLength;
        switch (line[0])
        {
            case (byte)'n' when IsKeyword(line, "newproc1:"u8):
                kind = TraceEventKind.Create;
                keywordLength = 9;
                break;
            case (byte)'g' when IsKeyword(line, "gopark:"u8):
                kind = TraceEventKind.Park;
                keywordLength = 7;
                break;
            case (byte)'g' when IsKeyword(line, "godestroy:"u8):
                kind = TraceEventKind.Destroy;
                keywordLength = 10;
                break;
            case (byte)'g' when IsKeyword(line, "gdestroy:"u8):
                kind = TraceEventKind.Destroy;
                keywordLength = 9;
                break;
            case (byte)'g' when IsKeyword(line, "goroutine"u8):
                return TryParseFirstScript(line[10..], lineNumber, names, out e, out failure);
            case (byte)'r' when IsKeyword(line, "ready:"u8):
                kind = TraceEventKind.Ready;
                keywordLength = 6;
                break;
            case (byte)'p' when IsKeyword(line, "profile-1s:"u8):
                kind = TraceEventKind.Tick;
                keywordLength = 11;
                break;
            case (byte)'t' when IsKeyword(line, "tick-1s:"u8):
                kind = TraceEventKind.Tick;
                keywordLength = 8;
                break;
            case (byte)'E' when IsKeyword(line, "END:"u8) || line.SequenceEqual("END:"u8):
                kind = TraceEventKind.End;
                keywordLength = 4;
                break;
            case (byte)'#' when IsTraceHeader(line):
                return LineCategory.TraceHeader;
            default:
                return LineCategory.ProgramOutput;
        }

        return ParseFields(kind, line[keywordLength..], lineNumber, names, out e, out failure);
    }

    /// <summary>The seed's first script: <c>goroutine %p created: count=%d</c> and <c>goroutine %p destroyed: count=%d</c>.</summary>
    private static LineCategory TryParseFirstScript(ReadOnlySpan<byte> rest, long lineNumber, NameTable? names, out TraceEvent e, out ParseFailure failure)
    {
        e = default;
        failure = ParseFailure.None;
        rest = rest.TrimStart(Blanks);
        int space = rest.IndexOfAny(Space, Tab);
        if (space <= 0)
        {
            return LineCategory.ProgramOutput;
        }

        ReadOnlySpan<byte> pointer = rest[..space];
        ReadOnlySpan<byte> verb = rest[(space + 1)..].TrimStart(Blanks);
        TraceEventKind kind;
        if (verb.StartsWith("created:"u8))
        {
            kind = TraceEventKind.Create;
            verb = verb[8..];
        }
        else if (verb.StartsWith("destroyed:"u8))
        {
            kind = TraceEventKind.Destroy;
            verb = verb[10..];
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

        return ParseFields(kind, verb, lineNumber, names, out e, out failure, g);
    }

    /// <summary>Parses the space-separated <c>key=value</c> fields after the keyword.</summary>
    /// <remarks>
    /// One pass: each token's key is matched by its first byte and a fixed-length compare of <c>key=</c>, and its
    /// value is parsed while it is scanned, so a line's bytes are read about once.
    /// </remarks>
    private static LineCategory ParseFields(
        TraceEventKind kind, ReadOnlySpan<byte> s, long lineNumber, NameTable? names, out TraceEvent e, out ParseFailure failure, ulong presetG = 0)
    {
        e = default;
        failure = ParseFailure.None;
        ulong g = presetG;
        ulong parent = 0;
        long reason = 0;
        long count = 0;
        long blockedCount = 0;
        long blocked = 0;
        long timestamp = 0;
        long goId = 0;
        ulong waitObject = 0;
        long waitReason = 0;
        int startFunction = 0;
        int creator = 0;
        TraceEventFields present = TraceEventFields.None;
        bool hasG = presetG != 0;
        bool badReason = false;

        int i = 0;
        while ((uint)i < (uint)s.Length)
        {
            byte first = s[i];
            if (first is Space or Tab)
            {
                i++;
                continue;
            }

            ReadOnlySpan<byte> rest = s[i..];
            switch (first)
            {
                case (byte)'g' when rest.StartsWith("goroutine="u8):
                    i += 10;
                    if (!ParseHex(s, ref i, out g))
                    {
                        failure = ParseFailure.BadGoroutine;
                        return LineCategory.Malformed;
                    }

                    hasG = true;
                    continue;
                case (byte)'g' when rest.StartsWith("goid="u8):
                    i += 5;
                    if (!ParseDecimal(s, ref i, out goId))
                    {
                        // An optional field that cannot be read is dropped, not the event: a diagnostic says so.
                        failure = failure == ParseFailure.None ? ParseFailure.BadGoId : failure;
                        i = SkipToken(s, i);
                        continue;
                    }

                    present |= TraceEventFields.GoId;
                    continue;
                case (byte)'p' when rest.StartsWith("parent="u8):
                    i += 7;
                    if (!ParseDecimal(s, ref i, out long p))
                    {
                        // An optional field that cannot be read is dropped, not the event: a diagnostic says so.
                        failure = failure == ParseFailure.None ? ParseFailure.BadParent : failure;
                        i = SkipToken(s, i);
                        continue;
                    }

                    parent = (ulong)p;
                    present |= TraceEventFields.Parent;
                    continue;
                case (byte)'r' when rest.StartsWith("reason="u8):
                    i += 7;
                    if (!ParseDecimal(s, ref i, out reason))
                    {
                        badReason = true;
                        i = SkipToken(s, i);
                        continue;
                    }

                    present |= TraceEventFields.Reason;
                    continue;
                case (byte)'c' when rest.StartsWith("count="u8):
                    i += 6;
                    if (!ParseDecimal(s, ref i, out count))
                    {
                        // An optional field that cannot be read is dropped, not the event: a diagnostic says so.
                        failure = failure == ParseFailure.None ? ParseFailure.BadCount : failure;
                        i = SkipToken(s, i);
                        continue;
                    }

                    present |= TraceEventFields.ScriptCount;
                    continue;
                case (byte)'b' when rest.StartsWith("blocked_count="u8):
                    i += 14;
                    if (!ParseDecimal(s, ref i, out blockedCount))
                    {
                        // An optional field that cannot be read is dropped, not the event: a diagnostic says so.
                        failure = failure == ParseFailure.None ? ParseFailure.BadBlockedCount : failure;
                        i = SkipToken(s, i);
                        continue;
                    }

                    present |= TraceEventFields.ScriptBlockedCount;
                    continue;
                case (byte)'b' when rest.StartsWith("blocked="u8):
                    i += 8;
                    if (!ParseDecimal(s, ref i, out blocked))
                    {
                        // An optional field that cannot be read is dropped, not the event: a diagnostic says so.
                        failure = failure == ParseFailure.None ? ParseFailure.BadBlocked : failure;
                        i = SkipToken(s, i);
                        continue;
                    }

                    present |= TraceEventFields.ScriptBlocked;
                    continue;
                case (byte)'t' when rest.StartsWith("ts="u8):
                    i += 3;
                    if (!ParseDecimal(s, ref i, out timestamp))
                    {
                        // An optional field that cannot be read is dropped, not the event: a diagnostic says so.
                        failure = failure == ParseFailure.None ? ParseFailure.BadTimestamp : failure;
                        i = SkipToken(s, i);
                        continue;
                    }

                    present |= TraceEventFields.Timestamp;
                    continue;
                case (byte)'o' when rest.StartsWith("obj="u8):
                    i += 4;
                    if (!ParseHex(s, ref i, out waitObject))
                    {
                        // An optional field that cannot be read is dropped, not the event: a diagnostic says so.
                        failure = failure == ParseFailure.None ? ParseFailure.BadWaitObject : failure;
                        i = SkipToken(s, i);
                        continue;
                    }

                    present |= TraceEventFields.WaitObject;
                    continue;
                case (byte)'w' when rest.StartsWith("wait="u8):
                    i += 5;
                    if (!ParseDecimal(s, ref i, out waitReason))
                    {
                        // An optional field that cannot be read is dropped, not the event: a diagnostic says so.
                        failure = failure == ParseFailure.None ? ParseFailure.BadWaitReason : failure;
                        i = SkipToken(s, i);
                        continue;
                    }

                    present |= TraceEventFields.WaitReason;
                    continue;
                case (byte)'f' when rest.StartsWith("fn="u8):
                    i += 3;
                    startFunction = InternToken(s, ref i, names);
                    if (startFunction != 0)
                    {
                        present |= TraceEventFields.StartFunction;
                    }

                    continue;
                case (byte)'c' when rest.StartsWith("creator="u8):
                    i += 8;
                    creator = InternToken(s, ref i, names);
                    if (creator != 0)
                    {
                        present |= TraceEventFields.Creator;
                    }

                    continue;
                default:
                    // Unknown keys (and tokens without '=') are ignored so that tracers can add fields.
                    int next = rest.IndexOfAny(Space, Tab);
                    i = next < 0 ? s.Length : i + next;
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
            failure = badReason ? ParseFailure.BadReason : ParseFailure.MissingReason;
            return LineCategory.Malformed;
        }

        if (badReason && failure == ParseFailure.None)
        {
            failure = ParseFailure.BadReason;
        }

        // The reason is a uint8 in the runtime; a tracer printing the whole register may carry junk above it.
        e = new TraceEvent(
            kind, g, lineNumber, present, parent, (byte)reason, count, blockedCount, blocked != 0,
            timestamp, goId, startFunction, creator, waitObject, (byte)waitReason);
        return LineCategory.Event;
    }

    /// <summary>The index of the blank after the token at <paramref name="i"/>, or the end.</summary>
    private static int SkipToken(ReadOnlySpan<byte> s, int i)
    {
        int end = s[i..].IndexOfAny(Space, Tab);
        return end < 0 ? s.Length : i + end;
    }

    /// <summary>Parses hex digits from <paramref name="i"/> up to a blank or the end; the whole token must be a number.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool ParseHex(ReadOnlySpan<byte> s, ref int i, out ulong value)
    {
        if (SimdNumbers.IsSupported && (uint)(i + 16) < (uint)s.Length)
        {
            int vector = SimdNumbers.TryParseHex(s, ref i, out value);
            if (vector >= 0)
            {
                return vector > 0;
            }
        }

        int start = i;
        if ((uint)(i + 1) < (uint)s.Length && s[i] == (byte)'0' && (s[i + 1] | 0x20) == (byte)'x')
        {
            i += 2;
            start = i;
        }

        ulong result = 0;
        while ((uint)i < (uint)s.Length)
        {
            byte b = s[i];
            uint digit = NumberParser.HexDigit(b);
            if (digit > 15)
            {
                if (b is Space or Tab)
                {
                    break;
                }

                value = 0;
                return false;
            }

            result = (result << 4) | digit;
            i++;
        }

        value = result;
        return (uint)(i - start - 1) < 16;
    }

    /// <summary>Parses a signed decimal (or <c>0x</c> hex) from <paramref name="i"/> up to a space or the end.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool ParseDecimal(ReadOnlySpan<byte> s, ref int i, out long value)
    {
        if (SimdNumbers.IsSupported && (uint)(i + 16) < (uint)s.Length && SimdNumbers.TryParseDecimal(s, ref i, out value) > 0)
        {
            return true;
        }

        int start = i;
        long result = 0;
        while ((uint)i < (uint)s.Length)
        {
            byte b = s[i];
            uint digit = (uint)(b - '0');
            if (digit > 9)
            {
                if (b is Space or Tab)
                {
                    break;
                }

                return ParseIntegerSlow(s, start, ref i, out value);
            }

            result = (result * 10) + digit;
            i++;
        }

        int digits = i - start;
        if ((uint)(digits - 1) < 18)
        {
            value = result;
            return true;
        }

        return ParseIntegerSlow(s, start, ref i, out value);
    }

    /// <summary>Signs, <c>0x</c>, and numbers long enough to overflow: the token is re-read with the careful parser.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool ParseIntegerSlow(ReadOnlySpan<byte> s, int start, ref int i, out long value)
    {
        int end = s[start..].IndexOfAny(Space, Tab);
        i = end < 0 ? s.Length : start + end;
        return NumberParser.TryParseInteger(s[start..i], out value);
    }

    /// <summary>Interns the token at <paramref name="i"/> as a function name.</summary>
    private static int InternToken(ReadOnlySpan<byte> s, ref int i, NameTable? names)
    {
        int start = i;
        int end = s[start..].IndexOfAny(Space, Tab);
        i = end < 0 ? s.Length : start + end;
        return names is null ? 0 : names.Intern(FunctionName(s[start..i]));
    }

    /// <summary>
    /// A function name as a tracer prints it, reduced to the symbol: dtrace's <c>usym</c> prints <c>module`symbol</c>
    /// and <c>uaddr</c> adds <c>+0xoff</c>; bpftrace's <c>usym</c> prints the bare symbol.
    /// </summary>
    internal static ReadOnlySpan<byte> FunctionName(ReadOnlySpan<byte> value)
    {
        int tick = value.LastIndexOf(Backtick);
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

    private static LineCategory ClassifyUnindented(ReadOnlySpan<byte> line)
    {
        if (line.StartsWith("dtrace: "u8))
        {
            return ClassifyDTraceMessage(line[8..]);
        }

        if (IsHeader(line))
        {
            return LineCategory.Header;
        }

        // Comment lines a tracer script prints ("# exit code=0"): the script's own notes, not events.
        if (line.StartsWith("# "u8))
        {
            return LineCategory.TracerMessage;
        }

        // bpftrace: "Attaching 5 probes..." and "Lost 123 events".
        if (line.StartsWith("Attaching "u8) && line.EndsWith("probes..."u8))
        {
            return LineCategory.TracerMessage;
        }

        if (line.StartsWith("Lost "u8) && line.IndexOf(" events"u8) > 5)
        {
            return LineCategory.DataLoss;
        }

        if (IsStackFrame(line))
        {
            return LineCategory.StackFrame;
        }

        return Utf8.IsValid(line) ? LineCategory.ProgramOutput : LineCategory.InvalidUtf8;
    }

    private static LineCategory ClassifyIndented(ReadOnlySpan<byte> line, int start, long lineNumber, NameTable? names, out TraceEvent e, out ParseFailure failure)
    {
        e = default;
        failure = ParseFailure.None;
        ReadOnlySpan<byte> rest = line[start..];
        if (!IsDigit(rest[0]))
        {
            // A quiet payload behind leading blanks (a script whose printf starts with a blank or a tab).
            LineCategory payload = TryParsePayload(rest, lineNumber, names, out e, out failure);
            if (payload != LineCategory.ProgramOutput)
            {
                return payload;
            }
        }

        int cpuDigits = CountDigits(rest);
        if (cpuDigits > 0 && cpuDigits < rest.Length && IsBlank(rest[cpuDigits]))
        {
            ReadOnlySpan<byte> afterCpu = rest[cpuDigits..];
            int next = afterCpu.IndexOfAnyExcept(Space, Tab);
            if (next < 0)
            {
                // "  0 " alone: an integer-keyed aggregation row has two numbers, this is a record without data.
                return LineCategory.OtherProbe;
            }

            afterCpu = afterCpu[next..];
            if (afterCpu[0] == (byte)'|' && IsAllDigits(afterCpu[1..].Trim(" \t"u8)))
            {
                // An empty quantize bucket: "   8 |                    0".
                return LineCategory.Aggregation;
            }

            if (IsFlowMarker(afterCpu))
            {
                return ParseFlowPayload(afterCpu[2..], lineNumber, names, out e, out failure);
            }

            int idDigits = CountDigits(afterCpu);
            if (idDigits > 0 && (idDigits == afterCpu.Length || IsBlank(afterCpu[idDigits])))
            {
                ReadOnlySpan<byte> afterId = afterCpu[idDigits..];
                int nameStart = afterId.IndexOfAnyExcept(Space, Tab);
                if (nameStart < 0)
                {
                    // Two integers: an integer-keyed aggregation row ("  0  12").
                    return LineCategory.Aggregation;
                }

                ReadOnlySpan<byte> probe = afterId[nameStart..];
                int nameEnd = probe.IndexOfAny(Space, Tab);
                ReadOnlySpan<byte> funcName = nameEnd < 0 ? probe : probe[..nameEnd];
                if (funcName.IndexOf(Colon) >= 0)
                {
                    // dtrace prints one space after FUNCTION:NAME, then the payload as the script wrote it.
                    ReadOnlySpan<byte> payload = nameEnd < 0 ? default : probe[(nameEnd + 1)..];
                    if (payload.IsEmpty)
                    {
                        return LineCategory.OtherProbe;
                    }

                    LineCategory category = TryParsePayload(payload, lineNumber, names, out e, out failure);
                    return category == LineCategory.ProgramOutput ? LineCategory.OtherProbe : category;
                }

                if (IsAllDigits(funcName) || funcName.SequenceEqual("|"u8))
                {
                    return LineCategory.Aggregation;
                }
            }
        }

        if (IsStackFrame(rest))
        {
            return LineCategory.StackFrame;
        }

        if (IsAggregation(rest))
        {
            return LineCategory.Aggregation;
        }

        return Utf8.IsValid(line) ? LineCategory.ProgramOutput : LineCategory.InvalidUtf8;
    }

    /// <summary>
    /// A <c>-F</c> line: marker, function, then (for clauses that print) the payload. A script run with <c>-F</c> still
    /// prints its events after the function column, so they are parsed rather than skipped.
    /// </summary>
    private static LineCategory ParseFlowPayload(ReadOnlySpan<byte> afterMarker, long lineNumber, NameTable? names, out TraceEvent e, out ParseFailure failure)
    {
        e = default;
        failure = ParseFailure.None;
        int funcStart = afterMarker.IndexOfAnyExcept(Space, Tab);
        if (funcStart >= 0)
        {
            ReadOnlySpan<byte> func = afterMarker[funcStart..];
            int funcEnd = func.IndexOfAny(Space, Tab);
            if (funcEnd > 0)
            {
                ReadOnlySpan<byte> rest = func[funcEnd..];
                int payloadStart = rest.IndexOfAnyExcept(Space, Tab);
                if (payloadStart >= 0)
                {
                    LineCategory category = TryParsePayload(rest[payloadStart..], lineNumber, names, out e, out failure);
                    if (category != LineCategory.ProgramOutput)
                    {
                        return category;
                    }
                }
            }
        }

        return LineCategory.Flow;
    }

    private static LineCategory ClassifyDTraceMessage(ReadOnlySpan<byte> message)
    {
        if (message.StartsWith("[DTRACEDROP_"u8)
            || message.IndexOf(" drop on CPU "u8) >= 0
            || message.IndexOf(" drops on CPU "u8) >= 0
            || message.IndexOf("dynamic variable drop"u8) >= 0
            || message.IndexOf("speculative drop"u8) >= 0
            || message.IndexOf("string table overflow"u8) >= 0
            || message.IndexOf("failed speculation"u8) >= 0)
        {
            return LineCategory.DataLoss;
        }

        if (message.StartsWith("error on enabled probe ID"u8)
            || (message.StartsWith("error in "u8) && message.IndexOf(" for probe ID "u8) >= 0)
            || message.IndexOf(" in ERROR probe enabling"u8) >= 0)
        {
            return LineCategory.ProbeError;
        }

        if (message.StartsWith("failed to "u8)
            || message.StartsWith("invalid probe specifier"u8)
            || message.StartsWith("processing aborted"u8)
            || message.StartsWith("could not enable tracing"u8)
            || message.StartsWith("no probes "u8))
        {
            return LineCategory.TracerFatal;
        }

        return LineCategory.TracerMessage;
    }

    private static bool IsHeader(ReadOnlySpan<byte> line)
    {
        if (!line.StartsWith("CPU"u8) || line.Length < 5 || !IsBlank(line[3]))
        {
            return false;
        }

        ReadOnlySpan<byte> rest = line[3..];
        int word = rest.IndexOfAnyExcept(Space, Tab);
        return word >= 0 && (rest[word..].StartsWith("ID"u8) || rest[word..].StartsWith("FUNCTION"u8));
    }

    /// <summary><c>module`symbol+0x1c</c>, <c>module`0x…</c> or a bare <c>0x…</c>: one token with no inner blanks.</summary>
    private static bool IsStackFrame(ReadOnlySpan<byte> rest)
    {
        ReadOnlySpan<byte> token = rest.TrimEnd(" \t"u8);
        if (token.IsEmpty || token.IndexOfAny(Space, Tab) >= 0)
        {
            return false;
        }

        int tick = token.IndexOf(Backtick);
        if (tick > 0 && tick < token.Length - 1)
        {
            return true;
        }

        return token.Length > 2 && token[0] == (byte)'0' && token[1] == (byte)'x' && NumberParser.TryParseHex(token, out _);
    }

    /// <summary>Aggregation rows: a key then a trailing integer, a quantize header, or a quantize bucket row.</summary>
    private static bool IsAggregation(ReadOnlySpan<byte> rest)
    {
        ReadOnlySpan<byte> trimmed = rest.TrimEnd(" \t"u8);
        if (trimmed.IndexOf("- Distribution -"u8) >= 0)
        {
            return true;
        }

        int lastSpace = trimmed.LastIndexOfAny(Space, Tab);
        if (lastSpace < 0)
        {
            return false;
        }

        ReadOnlySpan<byte> last = trimmed[(lastSpace + 1)..];
        if (last.Length > 0 && last[0] == (byte)'-')
        {
            last = last[1..];
        }

        return IsAllDigits(last);
    }

    /// <summary><c>-F</c> output marks entries and returns with <c>-&gt;</c>/<c>&lt;-</c> (<c>=&gt;</c>/<c>&lt;=</c> for syscalls) and other probes with <c>|</c>.</summary>
    private static bool IsFlowMarker(ReadOnlySpan<byte> s) =>
        s.StartsWith("->"u8) || s.StartsWith("<-"u8) || s.StartsWith("=>"u8) || s.StartsWith("<="u8) || s.StartsWith("| "u8);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsBlank(byte b) => b is Space or Tab;

    private static ReadOnlySpan<byte> Blanks => " \t"u8;

    /// <summary>Whether <paramref name="line"/> starts with <paramref name="keyword"/> followed by a blank (fields are split on spaces and tabs).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsKeyword(ReadOnlySpan<byte> line, ReadOnlySpan<byte> keyword) =>
        line.Length > keyword.Length && line.StartsWith(keyword) && IsBlank(line[keyword.Length]);

    /// <summary><c># gotrace</c> then a blank: the header the bundled scripts print (<c>#</c> and <c>gotrace</c> may be apart).</summary>
    internal static bool IsTraceHeader(ReadOnlySpan<byte> line)
    {
        if (line.IsEmpty || line[0] != (byte)'#')
        {
            return false;
        }

        ReadOnlySpan<byte> rest = line[1..].TrimStart(Blanks);
        return rest.Length > 7 && rest.StartsWith("gotrace"u8) && IsBlank(rest[7]);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsDigit(byte b) => (uint)(b - '0') <= 9;

    private static int CountDigits(ReadOnlySpan<byte> s)
    {
        int i = s.IndexOfAnyExceptInRange((byte)'0', (byte)'9');
        return i < 0 ? s.Length : i;
    }

    private static bool IsAllDigits(ReadOnlySpan<byte> s) => !s.IsEmpty && s.IndexOfAnyExceptInRange((byte)'0', (byte)'9') < 0;
}
