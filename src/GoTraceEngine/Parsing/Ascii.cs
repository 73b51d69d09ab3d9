using System.Runtime.CompilerServices;

namespace GoTraceEngine.Parsing;

/// <summary>The bytes the parsers split and test on, cast once, and the tests on them. Stateless and thread-safe.</summary>
internal static class Ascii
{
    public const byte Space = (byte)' ';
    public const byte Tab = (byte)'\t';
    public const byte Cr = (byte)'\r';
    public const byte Colon = (byte)':';
    public const byte Hash = (byte)'#';
    public const byte Backtick = (byte)'`';

    /// <summary>Space and tab: fields are split on either, however many.</summary>
    public static ReadOnlySpan<byte> Blanks => " \t"u8;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsBlank(byte b) => b is Space or Tab;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsDigit(byte b) => (uint)(b - '0') <= 9;

    /// <summary>The number of leading decimal digits of <paramref name="s"/>.</summary>
    public static int CountDigits(ReadOnlySpan<byte> s)
    {
        int i = s.IndexOfAnyExceptInRange((byte)'0', (byte)'9');
        return i < 0 ? s.Length : i;
    }

    /// <summary>Whether <paramref name="s"/> is one or more decimal digits and nothing else.</summary>
    public static bool IsAllDigits(ReadOnlySpan<byte> s) => !s.IsEmpty && s.IndexOfAnyExceptInRange((byte)'0', (byte)'9') < 0;

    /// <summary>
    /// The end of a function name at <paramref name="i"/>: the first blank outside square brackets, or the length of
    /// <paramref name="s"/>; the first blank when a bracket is left open to the end. A generic function's symbol, as a
    /// tracer prints it, holds its type arguments' shapes, and a struct shape holds blanks:
    /// <c>main.Gather[go.shape.struct { main.a int; main.b int }].func1</c>.
    /// </summary>
    public static int EndOfName(ReadOnlySpan<byte> s, int i)
    {
        int end = EndOfToken(s, i);
        if (s[i..end].IndexOf((byte)'[') < 0)
        {
            return end;
        }

        int depth = 0;
        for (int j = i; j < s.Length; j++)
        {
            byte b = s[j];
            if (b == (byte)'[')
            {
                depth++;
            }
            else if (b == (byte)']')
            {
                depth--;
            }
            else if (depth <= 0 && IsBlank(b))
            {
                return j;
            }
        }

        // A bracket that never closes is no shape: the name is its token, and the fields after it are read as fields.
        return depth > 0 ? end : s.Length;
    }

    /// <summary>The index of the first blank at or after <paramref name="i"/>, or the length of <paramref name="s"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int EndOfToken(ReadOnlySpan<byte> s, int i)
    {
        int end = s[i..].IndexOfAny(Space, Tab);
        return end < 0 ? s.Length : i + end;
    }
}
