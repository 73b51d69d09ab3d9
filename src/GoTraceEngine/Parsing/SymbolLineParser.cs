using System.Buffers.Text;

namespace GoTraceEngine.Parsing;

/// <summary>
/// Parses the names <c>gotrace trace</c> and <c>gotrace script --symbols</c> write into a trace
/// (<see cref="LineCategory.Symbol"/>): <c># gotrace wrapper WRAPPER WRAPPED</c> and
/// <c># gotrace site 0xPC FUNCTION FILE:LINE</c>, quiet or behind dtrace's <c>CPU ID FUNCTION:NAME</c> prefix.
/// Returns slices of the line and values; never allocates, never throws on bad input. Stateless and thread-safe.
/// </summary>
/// <remarks>
/// <see cref="TraceLineParser"/> classifies a line as <see cref="LineCategory.Symbol"/> exactly when one of these
/// methods succeeds on it, and as <see cref="LineCategory.Malformed"/> (with their <see cref="ParseFailure"/>) when
/// the line is a <c>wrapper</c> or <c>site</c> line that they reject.
/// <code>
/// if (SymbolLineParser.TryParseWrapper(line, out WrapperSymbol w, out _)) { /* w.Wrapper, w.Wrapped */ }
/// else if (SymbolLineParser.TryParseSite(line, out SiteSymbol s, out _)) { /* s.Pc, s.Function, s.File, s.Line */ }
/// </code>
/// </remarks>
internal static class SymbolLineParser
{
    /// <summary>Parses <c># gotrace wrapper WRAPPER WRAPPED</c>.</summary>
    /// <param name="line">A whole line as read (a trailing <c>\r</c> and a non-quiet prefix are allowed).</param>
    /// <param name="symbol">The two names.</param>
    /// <param name="failure">Why a wrapper line was rejected; <see cref="ParseFailure.None"/> when the line is no wrapper line at all.</param>
    /// <returns>Whether the line is a well-formed wrapper line.</returns>
    public static bool TryParseWrapper(ReadOnlySpan<byte> line, out WrapperSymbol symbol, out ParseFailure failure)
    {
        symbol = default;
        failure = ParseFailure.None;
        return TryFindBody(line, GotraceLine.Kind.Wrapper, out ReadOnlySpan<byte> body) && TryParseWrapperBody(body, out symbol, out failure);
    }

    /// <summary>Parses <c># gotrace site 0xPC FUNCTION FILE:LINE</c>.</summary>
    /// <param name="line">A whole line as read (a trailing <c>\r</c> and a non-quiet prefix are allowed).</param>
    /// <param name="symbol">The pc, function, file and line.</param>
    /// <param name="failure">Why a site line was rejected; <see cref="ParseFailure.None"/> when the line is no site line at all.</param>
    /// <returns>Whether the line is a well-formed site line.</returns>
    public static bool TryParseSite(ReadOnlySpan<byte> line, out SiteSymbol symbol, out ParseFailure failure)
    {
        symbol = default;
        failure = ParseFailure.None;
        return TryFindBody(line, GotraceLine.Kind.Site, out ReadOnlySpan<byte> body) && TryParseSiteBody(body, out symbol, out failure);
    }

    /// <summary>Classifies a <c># gotrace</c> line's body that <see cref="GotraceLine.TryRead"/> found to be a symbol line.</summary>
    /// <param name="kind"><see cref="GotraceLine.Kind.Wrapper"/> or <see cref="GotraceLine.Kind.Site"/>.</param>
    /// <param name="body">The words after <c>wrapper</c> or <c>site</c>.</param>
    /// <param name="failure">Why it is malformed.</param>
    /// <returns><see cref="LineCategory.Symbol"/> or <see cref="LineCategory.Malformed"/>.</returns>
    internal static LineCategory Classify(GotraceLine.Kind kind, ReadOnlySpan<byte> body, out ParseFailure failure)
    {
        bool ok = kind == GotraceLine.Kind.Wrapper
            ? TryParseWrapperBody(body, out _, out failure)
            : TryParseSiteBody(body, out _, out failure);
        return ok ? LineCategory.Symbol : LineCategory.Malformed;
    }

    private static bool TryFindBody(ReadOnlySpan<byte> line, GotraceLine.Kind wanted, out ReadOnlySpan<byte> body) =>
        GotraceLine.TryFind(line, out body, out GotraceLine.Kind kind) && kind == wanted;

    private static bool TryParseWrapperBody(ReadOnlySpan<byte> body, out WrapperSymbol symbol, out ParseFailure failure)
    {
        symbol = default;
        ReadOnlySpan<byte> rest = body.Trim(Ascii.Blanks);
        ReadOnlySpan<byte> wrapper = NextToken(ref rest);
        ReadOnlySpan<byte> wrapped = NextToken(ref rest);
        if (wrapped.IsEmpty)
        {
            failure = ParseFailure.WrapperMissingName;
            return false;
        }

        if (!rest.IsEmpty)
        {
            failure = ParseFailure.WrapperExtraText;
            return false;
        }

        failure = ParseFailure.None;
        symbol = new WrapperSymbol(wrapper, wrapped);
        return true;
    }

    private static bool TryParseSiteBody(ReadOnlySpan<byte> body, out SiteSymbol symbol, out ParseFailure failure)
    {
        symbol = default;
        ReadOnlySpan<byte> rest = body.Trim(Ascii.Blanks);
        if (!NumberParser.TryParseHex(NextToken(ref rest), out ulong pc))
        {
            failure = ParseFailure.SiteBadPc;
            return false;
        }

        ReadOnlySpan<byte> function = NextToken(ref rest);
        if (function.IsEmpty)
        {
            failure = ParseFailure.SiteMissingFunction;
            return false;
        }

        // FILE:LINE is the rest of the line: the file may hold blanks and colons, the line is after the last ':'.
        int colon = rest.LastIndexOf(Ascii.Colon);
        if (colon <= 0)
        {
            failure = ParseFailure.SiteMissingLocation;
            return false;
        }

        ReadOnlySpan<byte> number = rest[(colon + 1)..];
        if (!Ascii.IsAllDigits(number) || !Utf8Parser.TryParse(number, out int lineNumber, out int consumed) || consumed != number.Length)
        {
            failure = ParseFailure.SiteBadLine;
            return false;
        }

        failure = ParseFailure.None;
        symbol = new SiteSymbol(pc, function, rest[..colon], lineNumber);
        return true;
    }

    /// <summary>The token at the start of <paramref name="rest"/> (which starts with no blank); <paramref name="rest"/> moves past it and its blanks.</summary>
    private static ReadOnlySpan<byte> NextToken(scoped ref ReadOnlySpan<byte> rest)
    {
        int end = Ascii.EndOfToken(rest, 0);
        ReadOnlySpan<byte> token = rest[..end];
        rest = rest[end..].TrimStart(Ascii.Blanks);
        return token;
    }
}
