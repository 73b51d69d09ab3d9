using System.Buffers.Text;
using System.Runtime.CompilerServices;

namespace GoTraceEngine.Parsing;

/// <summary>
/// Whole-token number parsing over UTF-8 bytes: the token must be entirely a number. Hand-rolled for the short
/// tokens tracers print (a pointer is at most 16 hex digits); anything unusual falls back to <see cref="Utf8Parser"/>.
/// </summary>
internal static class NumberParser
{
    /// <summary>Hex digit values; 0xFF for bytes that are not hex digits.</summary>
    private static ReadOnlySpan<byte> HexValues =>
    [
        255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
        255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
        255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 255, 255, 255, 255, 255, 255,
        255, 10, 11, 12, 13, 14, 15, 255, 255, 255, 255, 255, 255, 255, 255, 255,
        255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
        255, 10, 11, 12, 13, 14, 15, 255, 255, 255, 255, 255, 255, 255, 255, 255,
        255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
        255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
        255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
        255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
        255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
        255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
        255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
        255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
        255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
    ];

    /// <summary>The value of a hex digit, or 255.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint HexDigit(byte b) => HexValues[b];

    /// <summary>Parses a pointer printed by <c>%p</c> (bare lowercase hex) or with a <c>0x</c> prefix.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryParseHex(ReadOnlySpan<byte> token, out ulong value)
    {
        if (token.Length > 2 && token[0] == (byte)'0' && (token[1] | 0x20) == (byte)'x')
        {
            token = token[2..];
        }

        value = 0;
        if ((uint)(token.Length - 1) >= 16)
        {
            return false;
        }

        ReadOnlySpan<byte> table = HexValues;
        ulong result = 0;
        foreach (byte b in token)
        {
            uint digit = table[b];
            if (digit > 15)
            {
                return false;
            }

            result = (result << 4) | digit;
        }

        value = result;
        return true;
    }

    /// <summary>Parses a decimal (<c>%d</c>, signed or up to 2^64 − 1, as 64 bits), or hex when written with <c>0x</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryParseInteger(ReadOnlySpan<byte> token, out long value)
    {
        if (token.Length > 2 && token[0] == (byte)'0' && (token[1] | 0x20) == (byte)'x')
        {
            bool ok = TryParseHex(token, out ulong hex);
            value = (long)hex;
            return ok;
        }

        // Up to 18 digits cannot overflow a long; longer (or signed) numbers take the careful path.
        if ((uint)(token.Length - 1) < 18 && token[0] != (byte)'-' && token[0] != (byte)'+')
        {
            long result = 0;
            foreach (byte b in token)
            {
                uint digit = (uint)(b - '0');
                if (digit > 9)
                {
                    value = 0;
                    return false;
                }

                result = (result * 10) + digit;
            }

            value = result;
            return true;
        }

        return TryParseSlow(token, out value);
    }

    /// <summary>
    /// Signed numbers, and unsigned ones past <see cref="long.MaxValue"/>: a tracer printing a pointer or a register
    /// with <c>%d</c> gives either form of the same 64 bits, so both are read as those bits.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool TryParseSlow(ReadOnlySpan<byte> token, out long value)
    {
        if (token.IsEmpty)
        {
            value = 0;
            return false;
        }

        if (Utf8Parser.TryParse(token, out value, out int consumed) && consumed == token.Length)
        {
            return true;
        }

        bool unsigned = Utf8Parser.TryParse(token, out ulong bits, out consumed) && consumed == token.Length;
        value = (long)bits;
        return unsigned;
    }
}
