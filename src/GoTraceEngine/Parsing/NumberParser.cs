using System.Buffers.Text;
using System.Runtime.CompilerServices;

namespace GoTraceEngine.Parsing;

/// <summary>Whole-token number parsing over UTF-8 bytes: the token must be entirely a number.</summary>
internal static class NumberParser
{
    /// <summary>Parses a pointer printed by <c>%p</c> (bare lowercase hex) or with a <c>0x</c> prefix.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryParseHex(ReadOnlySpan<byte> token, out ulong value)
    {
        if (token.Length > 2 && token[0] == (byte)'0' && (token[1] | 0x20) == (byte)'x')
        {
            token = token[2..];
        }

        return Utf8Parser.TryParse(token, out value, out int consumed, 'x') && consumed == token.Length && token.Length > 0;
    }

    /// <summary>Parses a signed decimal (<c>%d</c>), or hex when written with <c>0x</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryParseInteger(ReadOnlySpan<byte> token, out long value)
    {
        if (token.Length > 2 && token[0] == (byte)'0' && (token[1] | 0x20) == (byte)'x')
        {
            bool ok = TryParseHex(token, out ulong hex);
            value = (long)hex;
            return ok;
        }

        return Utf8Parser.TryParse(token, out value, out int consumed) && consumed == token.Length && token.Length > 0;
    }
}
