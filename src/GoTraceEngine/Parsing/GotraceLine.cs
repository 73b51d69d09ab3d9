namespace GoTraceEngine.Parsing;

/// <summary>
/// gotrace's own lines: <c>#</c>, blanks, <c>gotrace</c>, a blank, then words. The first word says which:
/// <c>wrapper</c> and <c>site</c> (<see cref="SymbolLineParser"/>), anything else the trace header
/// (<see cref="TraceHeaderParser"/>). Stateless and thread-safe; never allocates.
/// </summary>
internal static class GotraceLine
{
    /// <summary>What a <c># gotrace</c> line is, from its first word.</summary>
    public enum Kind : byte
    {
        /// <summary>The trace header (<c>tracer=… go=…</c>), or words this version does not know.</summary>
        Header = 0,

        /// <summary><c># gotrace wrapper …</c>.</summary>
        Wrapper,

        /// <summary><c># gotrace site …</c>.</summary>
        Site,
    }

    /// <summary>Reads <paramref name="payload"/> as a <c># gotrace</c> line.</summary>
    /// <param name="payload">A line's payload, from its <c>#</c>.</param>
    /// <param name="body">The words after <c>gotrace</c> and the blanks after it; after the first word for <see cref="Kind.Wrapper"/> and <see cref="Kind.Site"/>.</param>
    /// <param name="kind">Which line it is.</param>
    /// <returns>Whether <paramref name="payload"/> is a <c># gotrace</c> line.</returns>
    public static bool TryRead(ReadOnlySpan<byte> payload, out ReadOnlySpan<byte> body, out Kind kind)
    {
        body = default;
        kind = Kind.Header;
        if (payload.IsEmpty || payload[0] != Ascii.Hash)
        {
            return false;
        }

        // "#" and "gotrace" may be apart; "gotrace" must be followed by a blank.
        ReadOnlySpan<byte> rest = payload[1..].TrimStart(Ascii.Blanks);
        if (rest.Length <= Keywords.Gotrace.Length || !rest.StartsWith(Keywords.Gotrace) || !Ascii.IsBlank(rest[Keywords.Gotrace.Length]))
        {
            return false;
        }

        body = rest[Keywords.Gotrace.Length..].TrimStart(Ascii.Blanks);
        if (IsWord(body, Keywords.Wrapper))
        {
            kind = Kind.Wrapper;
            body = body[Keywords.Wrapper.Length..];
        }
        else if (IsWord(body, Keywords.Site))
        {
            kind = Kind.Site;
            body = body[Keywords.Site.Length..];
        }

        return true;
    }

    /// <summary>
    /// Finds a <c># gotrace</c> line in a whole line as it was read: quiet, behind blanks, or behind dtrace's
    /// <c>CPU ID FUNCTION:NAME</c> prefix or a <c>-F</c> flow marker (a script printing it from <c>BEGIN</c> without
    /// <c>-q</c>). It looks where <see cref="TraceLineParser"/> looks for a payload, so the two agree on every line.
    /// </summary>
    /// <param name="line">The line; trailing carriage returns are ignored.</param>
    /// <param name="body">As for <see cref="TryRead"/>.</param>
    /// <param name="kind">Which line it is.</param>
    /// <returns>Whether the line is a <c># gotrace</c> line.</returns>
    public static bool TryFind(ReadOnlySpan<byte> line, out ReadOnlySpan<byte> body, out Kind kind)
    {
        body = default;
        kind = Kind.Header;
        line = line.TrimEnd(Ascii.Cr);
        int start = line.IndexOfAnyExcept(Ascii.Blanks);
        if (start < 0)
        {
            return false;
        }

        ReadOnlySpan<byte> rest = line[start..];
        if (!Ascii.IsDigit(rest[0]))
        {
            return TryRead(rest, out body, out kind);
        }

        return LineClassifier.SplitRecord(rest, out ReadOnlySpan<byte> payload, out _) == RecordShape.Payload && TryRead(payload, out body, out kind);
    }

    /// <summary>Whether <paramref name="s"/> starts with the word <paramref name="word"/>, followed by a blank or nothing.</summary>
    private static bool IsWord(ReadOnlySpan<byte> s, ReadOnlySpan<byte> word) =>
        s.StartsWith(word) && (s.Length == word.Length || Ascii.IsBlank(s[word.Length]));
}
