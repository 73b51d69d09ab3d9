using System.Buffers.Text;
using System.Runtime.CompilerServices;

namespace GoTraceEngine.Parsing;

/// <summary>
/// The one place numbers are read from a line: hex (<c>%p</c>) and decimal (<c>%d</c>) tokens ended by a blank or the
/// line's end, parsed while they are scanned. Hand-rolled for the short tokens tracers print (a pointer is at most 16
/// hex digits), with <see cref="SimdNumbers"/> first where it applies; anything unusual falls back to
/// <see cref="Utf8Parser"/>. Stateless and thread-safe.
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

    /// <summary>
    /// Parses the hex token at <paramref name="i"/> (<c>%p</c>: bare hex, or with a <c>0x</c> prefix) up to a blank
    /// (space or tab) or the end, with a vector path when <see cref="SimdNumbers.IsEnabled"/>: from the token's start
    /// when 16 bytes are readable there, else from the line's last 16 bytes.
    /// </summary>
    /// <param name="s">The line.</param>
    /// <param name="i">The token's start; on return, the blank after it (or where an invalid byte was found).</param>
    /// <param name="value">The value; 0 unless the parse succeeded.</param>
    /// <returns>Whether the whole token is 1 to 16 hex digits.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool ScanHex(ReadOnlySpan<byte> s, ref int i, out ulong value)
    {
        if (SimdNumbers.IsEnabled)
        {
            if ((uint)(i + 16) < (uint)s.Length)
            {
                int vector = SimdNumbers.TryParseHex(s, ref i, out value);
                if (vector >= 0)
                {
                    return vector > 0;
                }
            }
            else if (s.Length >= 16 && i < s.Length && SimdNumbers.TryParseHexToEnd(s, i, out value))
            {
                // The line's last token (a ready line's g pointer): a third of the seed format's lines.
                i = s.Length;
                return true;
            }
        }

        return ScanHexScalar(s, ref i, out value);
    }

    /// <summary>The scalar twin of <see cref="SimdNumbers.TryParseHex"/>: <see cref="ScanHex"/> byte by byte.</summary>
    /// <param name="s">The line.</param>
    /// <param name="i">The token's start; on return, the blank after it (or where an invalid byte was found).</param>
    /// <param name="value">The value; 0 unless the parse succeeded.</param>
    /// <returns>Whether the whole token is 1 to 16 hex digits.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool ScanHexScalar(ReadOnlySpan<byte> s, ref int i, out ulong value)
    {
        if ((uint)(i + 1) < (uint)s.Length && s[i] == (byte)'0' && (s[i + 1] | 0x20) == (byte)'x')
        {
            i += 2;
        }

        int start = i;
        ReadOnlySpan<byte> table = HexValues;
        ulong result = 0;
        while ((uint)i < (uint)s.Length)
        {
            byte b = s[i];
            uint digit = table[b];
            if (digit > 15)
            {
                if (Ascii.IsBlank(b))
                {
                    break;
                }

                value = 0;
                return false;
            }

            result = (result << 4) | digit;
            i++;
        }

        bool ok = (uint)(i - start - 1) < 16;
        value = ok ? result : 0;
        return ok;
    }

    /// <summary>
    /// Parses the decimal token at <paramref name="i"/> (<c>%d</c>, signed or up to 2^64 − 1, as 64 bits; hex when
    /// written with <c>0x</c>) up to a blank or the end, with the vector path when 16 bytes are readable and
    /// <see cref="SimdNumbers.IsEnabled"/>.
    /// </summary>
    /// <param name="s">The line.</param>
    /// <param name="i">The token's start; on return, the blank after it (or the end).</param>
    /// <param name="value">The value; 0 unless the parse succeeded.</param>
    /// <returns>Whether the whole token is a number.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool ScanInteger(ReadOnlySpan<byte> s, ref int i, out long value)
    {
        if (SimdNumbers.IsEnabled && (uint)(i + 16) < (uint)s.Length && SimdNumbers.TryParseDecimal(s, ref i, out value) > 0)
        {
            return true;
        }

        return ScanIntegerScalar(s, ref i, out value);
    }

    /// <summary>The scalar twin of <see cref="SimdNumbers.TryParseDecimal"/>: <see cref="ScanInteger"/> byte by byte.</summary>
    /// <param name="s">The line.</param>
    /// <param name="i">The token's start; on return, the blank after it (or the end).</param>
    /// <param name="value">The value; 0 unless the parse succeeded.</param>
    /// <returns>Whether the whole token is a number.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool ScanIntegerScalar(ReadOnlySpan<byte> s, ref int i, out long value)
    {
        int start = i;
        long result = 0;
        while ((uint)i < (uint)s.Length)
        {
            byte b = s[i];
            uint digit = (uint)(b - '0');
            if (digit > 9)
            {
                if (Ascii.IsBlank(b))
                {
                    break;
                }

                i = ScanIntegerSlow(s, start, out value, out bool parsed);
                return parsed;
            }

            result = (result * 10) + digit;
            i++;
        }

        // Up to 18 digits cannot overflow a long; longer numbers take the careful path.
        if ((uint)(i - start - 1) < 18)
        {
            value = result;
            return true;
        }

        i = ScanIntegerSlow(s, start, out value, out bool ok);
        return ok;
    }

    /// <summary>Parses a whole token of hex digits (<c>%p</c>: bare hex, or with a <c>0x</c> prefix).</summary>
    /// <param name="token">The token, without blanks.</param>
    /// <param name="value">The value; 0 unless the parse succeeded.</param>
    /// <returns>Whether the whole token is 1 to 16 hex digits.</returns>
    public static bool TryParseHex(ReadOnlySpan<byte> token, out ulong value)
    {
        int i = 0;
        if (ScanHexScalar(token, ref i, out value) && i == token.Length)
        {
            return true;
        }

        value = 0;
        return false;
    }

    /// <summary>
    /// Signs, <c>0x</c>, and numbers long enough to overflow: the token is re-read with the careful parser.
    /// Unsigned numbers past <see cref="long.MaxValue"/> keep their bits: a tracer printing a pointer or a register
    /// with <c>%d</c> gives either form of the same 64 bits, so both are read as those bits.
    /// </summary>
    /// <remarks>
    /// It returns the token's end rather than taking the caller's index by <see langword="ref"/>: a local whose
    /// address goes to a call that is not inlined lives on the stack for the whole method, and the field parser's
    /// index is read and written on every byte.
    /// </remarks>
    /// <returns>The blank after the token, or the end.</returns>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int ScanIntegerSlow(ReadOnlySpan<byte> s, int start, out long value, out bool ok)
    {
        int end = Ascii.EndOfToken(s, start);
        ReadOnlySpan<byte> token = s[start..end];
        if (token.Length > 2 && token[0] == (byte)'0' && (token[1] | 0x20) == (byte)'x')
        {
            ok = TryParseHex(token, out ulong bits);
            value = (long)bits;
            return end;
        }

        if (Utf8Parser.TryParse(token, out value, out int consumed) && consumed == token.Length && !token.IsEmpty)
        {
            ok = true;
            return end;
        }

        ok = Utf8Parser.TryParse(token, out ulong raw, out consumed) && consumed == token.Length && !token.IsEmpty;
        value = ok ? (long)raw : 0;
        return end;
    }
}
