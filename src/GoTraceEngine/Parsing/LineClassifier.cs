using System.Text.Unicode;

namespace GoTraceEngine.Parsing;

/// <summary>
/// Classifies the lines that are not event lines (<see cref="LineCategory"/>): dtrace's messages and column header,
/// its non-quiet record prefix (<c>CPU ID FUNCTION:NAME</c>) and <c>-F</c> flow lines, stack frames, aggregations, and
/// the traced program's own output. It never parses an event: where a record prefix or a flow marker is followed by a
/// payload, <see cref="SplitRecord"/> hands that payload back to <see cref="TraceLineParser"/>.
/// Stateless and thread-safe; never allocates.
/// </summary>
internal static class LineClassifier
{
    /// <summary>A line at column 0 that has no event keyword.</summary>
    /// <param name="line">The line, without its line end.</param>
    /// <returns>Its category.</returns>
    public static LineCategory ClassifyUnindented(ReadOnlySpan<byte> line)
    {
        if (line.StartsWith("dtrace: "u8))
        {
            return ClassifyDTraceMessage(line["dtrace: "u8.Length..]);
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

        if (line.StartsWith("Lost "u8) && line.IndexOf(" events"u8) > "Lost "u8.Length)
        {
            return LineCategory.DataLoss;
        }

        if (IsStackFrame(line))
        {
            return LineCategory.StackFrame;
        }

        return Utf8.IsValid(line) ? LineCategory.ProgramOutput : LineCategory.InvalidUtf8;
    }

    /// <summary>An indented (or digit-led) line that is neither an event nor a dtrace record: a stack frame, an aggregation row, or output.</summary>
    /// <param name="line">The whole line, without its line end.</param>
    /// <param name="rest">The line from its first non-blank byte.</param>
    /// <returns>Its category.</returns>
    public static LineCategory ClassifyIndented(ReadOnlySpan<byte> line, ReadOnlySpan<byte> rest)
    {
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
    /// Reads a line that starts with a number (after blanks) as dtrace prints records without <c>-q</c>:
    /// <c>CPU ID FUNCTION:NAME payload</c>, a <c>-F</c> flow line (<c>CPU -&gt; function payload</c>), or an integer
    /// aggregation row.
    /// </summary>
    /// <param name="rest">The line from its first non-blank byte, which is a digit.</param>
    /// <param name="payload">With <see cref="RecordShape.Payload"/>: what the probe printed, to be tried as an event line.</param>
    /// <param name="category">
    /// With <see cref="RecordShape.Classified"/>, the line's category; with <see cref="RecordShape.Payload"/>, its
    /// category when the payload is no event line.
    /// </param>
    /// <returns>What the line is.</returns>
    public static RecordShape SplitRecord(ReadOnlySpan<byte> rest, out ReadOnlySpan<byte> payload, out LineCategory category)
    {
        payload = default;
        category = LineCategory.ProgramOutput;
        int cpuDigits = Ascii.CountDigits(rest);
        if (cpuDigits == 0 || cpuDigits >= rest.Length || !Ascii.IsBlank(rest[cpuDigits]))
        {
            return RecordShape.None;
        }

        ReadOnlySpan<byte> afterCpu = rest[cpuDigits..];
        int next = afterCpu.IndexOfAnyExcept(Ascii.Blanks);
        if (next < 0)
        {
            // "  0 " alone: an integer-keyed aggregation row has two numbers, this is a record without data.
            return Classified(LineCategory.OtherProbe, out category);
        }

        afterCpu = afterCpu[next..];
        if (afterCpu[0] == (byte)'|' && Ascii.IsAllDigits(afterCpu[1..].Trim(Ascii.Blanks)))
        {
            // An empty quantize bucket: "   8 |                    0".
            return Classified(LineCategory.Aggregation, out category);
        }

        if (IsFlowMarker(afterCpu))
        {
            return SplitFlow(afterCpu[2..], out payload, out category);
        }

        int idDigits = Ascii.CountDigits(afterCpu);
        if (idDigits == 0 || (idDigits != afterCpu.Length && !Ascii.IsBlank(afterCpu[idDigits])))
        {
            return RecordShape.None;
        }

        ReadOnlySpan<byte> afterId = afterCpu[idDigits..];
        int nameStart = afterId.IndexOfAnyExcept(Ascii.Blanks);
        if (nameStart < 0)
        {
            // Two integers: an integer-keyed aggregation row ("  0  12").
            return Classified(LineCategory.Aggregation, out category);
        }

        ReadOnlySpan<byte> probe = afterId[nameStart..];
        int nameEnd = probe.IndexOfAny(Ascii.Blanks);
        ReadOnlySpan<byte> funcName = nameEnd < 0 ? probe : probe[..nameEnd];
        if (funcName.IndexOf(Ascii.Colon) >= 0)
        {
            // dtrace prints one space after FUNCTION:NAME, then the payload as the script wrote it.
            category = LineCategory.OtherProbe;
            payload = nameEnd < 0 ? default : probe[(nameEnd + 1)..];
            return payload.IsEmpty ? RecordShape.Classified : RecordShape.Payload;
        }

        if (Ascii.IsAllDigits(funcName) || funcName.SequenceEqual("|"u8))
        {
            return Classified(LineCategory.Aggregation, out category);
        }

        return RecordShape.None;
    }

    private static RecordShape Classified(LineCategory known, out LineCategory category)
    {
        category = known;
        return RecordShape.Classified;
    }

    /// <summary>
    /// A <c>-F</c> line: marker, function, then (for clauses that print) the payload. A script run with <c>-F</c> still
    /// prints its events after the function column, so they are parsed rather than skipped.
    /// </summary>
    private static RecordShape SplitFlow(ReadOnlySpan<byte> afterMarker, out ReadOnlySpan<byte> payload, out LineCategory category)
    {
        payload = default;
        category = LineCategory.Flow;
        int funcStart = afterMarker.IndexOfAnyExcept(Ascii.Blanks);
        if (funcStart < 0)
        {
            return RecordShape.Classified;
        }

        ReadOnlySpan<byte> func = afterMarker[funcStart..];
        int funcEnd = func.IndexOfAny(Ascii.Blanks);
        if (funcEnd <= 0)
        {
            return RecordShape.Classified;
        }

        ReadOnlySpan<byte> rest = func[funcEnd..];
        int payloadStart = rest.IndexOfAnyExcept(Ascii.Blanks);
        if (payloadStart < 0)
        {
            return RecordShape.Classified;
        }

        payload = rest[payloadStart..];
        return RecordShape.Payload;
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

    /// <summary>dtrace's column header: <c>CPU ID FUNCTION:NAME</c>, or <c>CPU FUNCTION</c> with <c>-F</c>.</summary>
    private static bool IsHeader(ReadOnlySpan<byte> line)
    {
        if (!line.StartsWith("CPU"u8) || line.Length <= "CPU "u8.Length || !Ascii.IsBlank(line["CPU"u8.Length]))
        {
            return false;
        }

        ReadOnlySpan<byte> rest = line["CPU"u8.Length..];
        int word = rest.IndexOfAnyExcept(Ascii.Blanks);
        return word >= 0 && (rest[word..].StartsWith("ID"u8) || rest[word..].StartsWith("FUNCTION"u8));
    }

    /// <summary><c>module`symbol+0x1c</c>, <c>module`0x…</c> or a bare <c>0x…</c>: one token with no inner blanks.</summary>
    private static bool IsStackFrame(ReadOnlySpan<byte> rest)
    {
        ReadOnlySpan<byte> token = rest.TrimEnd(Ascii.Blanks);
        if (token.IsEmpty || token.IndexOfAny(Ascii.Blanks) >= 0)
        {
            return false;
        }

        int tick = token.IndexOf(Ascii.Backtick);
        if (tick > 0 && tick < token.Length - 1)
        {
            return true;
        }

        return token.StartsWith("0x"u8) && token.Length > "0x"u8.Length && NumberParser.TryParseHex(token, out _);
    }

    /// <summary>Aggregation rows: a key then a trailing integer, a quantize header, or a quantize bucket row.</summary>
    private static bool IsAggregation(ReadOnlySpan<byte> rest)
    {
        ReadOnlySpan<byte> trimmed = rest.TrimEnd(Ascii.Blanks);
        if (trimmed.IndexOf("- Distribution -"u8) >= 0)
        {
            return true;
        }

        int lastSpace = trimmed.LastIndexOfAny(Ascii.Blanks);
        if (lastSpace < 0)
        {
            return false;
        }

        ReadOnlySpan<byte> last = trimmed[(lastSpace + 1)..];
        if (last.Length > 0 && last[0] == (byte)'-')
        {
            last = last[1..];
        }

        return Ascii.IsAllDigits(last);
    }

    /// <summary><c>-F</c> output marks entries and returns with <c>-&gt;</c>/<c>&lt;-</c> (<c>=&gt;</c>/<c>&lt;=</c> for syscalls) and other probes with <c>|</c>.</summary>
    private static bool IsFlowMarker(ReadOnlySpan<byte> s) =>
        s.StartsWith("->"u8) || s.StartsWith("<-"u8) || s.StartsWith("=>"u8) || s.StartsWith("<="u8) || s.StartsWith("| "u8);
}
