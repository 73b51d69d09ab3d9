namespace GoTraceEngine.Parsing;

/// <summary>
/// Reads the trace header (<see cref="LineCategory.TraceHeader"/>) a bundled tracer script prints first:
/// <c># gotrace tracer=… os=… arch=… go=… reasons=…</c>, with any blanks between the words and the keys in any order.
/// Unknown keys and words without <c>=</c> are ignored; when a key repeats, the last one counts. Never allocates.
/// Stateless and thread-safe.
/// </summary>
/// <remarks>
/// <code>
/// if (TraceHeaderParser.TryParse(line, out TraceHeader header) &amp;&amp; header.Has(TraceHeaderKeys.Go)) { /* header.Go */ }
/// </code>
/// </remarks>
internal static class TraceHeaderParser
{
    /// <summary>Parses <paramref name="line"/> as a trace header.</summary>
    /// <param name="line">A whole line as read: quiet, or behind dtrace's <c>CPU ID FUNCTION:NAME</c> prefix; a trailing <c>\r</c> is ignored.</param>
    /// <param name="header">The header's values.</param>
    /// <returns>
    /// Whether the line is a <c># gotrace</c> header; <see langword="false"/> for any other line, the
    /// <c># gotrace wrapper</c> and <c>site</c> lines included.
    /// </returns>
    public static bool TryParse(ReadOnlySpan<byte> line, out TraceHeader header)
    {
        header = default;
        if (!GotraceLine.TryFind(line, out ReadOnlySpan<byte> body, out GotraceLine.Kind kind) || kind != GotraceLine.Kind.Header)
        {
            return false;
        }

        TraceHeaderKeys keys = TraceHeaderKeys.None;
        ReadOnlySpan<byte> tracer = default, os = default, arch = default, go = default, reasons = default;
        int i = 0;
        while ((uint)i < (uint)body.Length)
        {
            if (Ascii.IsBlank(body[i]))
            {
                i++;
                continue;
            }

            int end = Ascii.EndOfToken(body, i);
            ReadOnlySpan<byte> token = body[i..end];
            i = end;
            if (Take(token, Keywords.Tracer, ref tracer))
            {
                keys |= TraceHeaderKeys.Tracer;
            }
            else if (Take(token, Keywords.Os, ref os))
            {
                keys |= TraceHeaderKeys.Os;
            }
            else if (Take(token, Keywords.Arch, ref arch))
            {
                keys |= TraceHeaderKeys.Arch;
            }
            else if (Take(token, Keywords.Go, ref go))
            {
                keys |= TraceHeaderKeys.Go;
            }
            else if (Take(token, Keywords.Reasons, ref reasons))
            {
                keys |= TraceHeaderKeys.Reasons;
            }
        }

        header = new TraceHeader { Keys = keys, Tracer = tracer, Os = os, Arch = arch, Go = go, Reasons = reasons };
        return true;
    }

    /// <summary>When <paramref name="token"/> is <paramref name="key"/> (<c>name=</c>) and a value, sets <paramref name="value"/> to that value.</summary>
    private static bool Take(ReadOnlySpan<byte> token, ReadOnlySpan<byte> key, ref ReadOnlySpan<byte> value)
    {
        if (!token.StartsWith(key))
        {
            return false;
        }

        value = token[key.Length..];
        return true;
    }
}
