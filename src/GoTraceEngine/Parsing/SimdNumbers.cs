using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using GoTraceEngine.Internal;

namespace GoTraceEngine.Parsing;

/// <summary>
/// Parses a hex or decimal token of up to 15 digits with 16-byte vector operations (x86 SSE4.1): one load finds the
/// token's end and checks every digit, a shuffle right-aligns the digits, and multiply-add steps combine them.
/// Used by <see cref="NumberParser"/> when 16 bytes are readable from the token's start; it parses byte by byte
/// otherwise, on other CPUs, and when <see cref="Vectorization.Enabled"/> is off (<c>GOTRACE_FORCE_SCALAR=1</c>).
/// Each method has a scalar twin (<see cref="NumberParser.ScanHexScalar"/>, <see cref="NumberParser.ScanIntegerScalar"/>)
/// that the tests compare it with.
/// </summary>
internal static class SimdNumbers
{
    /// <summary>Whether the vector paths can run on this CPU.</summary>
    public static bool IsSupported => Sse41.IsSupported;

    /// <summary>Whether the parser uses the vector paths: the CPU supports them and they were not switched off at startup.</summary>
    public static bool IsEnabled
    {
        // Inlined at its two call sites: out of line, the NativeAOT build called it for every number (2 % of a replay).
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Sse41.IsSupported && Vectorization.Enabled;
    }

    /// <summary>Row L right-aligns the first L bytes of a vector: zero (0x80) before them.</summary>
    private static readonly byte[] s_alignShuffles = CreateAlignShuffles();

    private static ReadOnlySpan<byte> AlignShuffles => s_alignShuffles;

    private static byte[] CreateAlignShuffles()
    {
        var table = new byte[17 * 16];
        for (int length = 0; length <= 16; length++)
        {
            for (int j = 0; j < 16; j++)
            {
                int source = j - (16 - length);
                table[(length * 16) + j] = source < 0 ? (byte)0x80 : (byte)source;
            }
        }

        return table;
    }

    /// <summary>
    /// Parses hex digits at <paramref name="i"/> ended by a blank (space or tab). Returns 1 on success, 0 on an invalid token, -1 when
    /// the vector path cannot decide (16 or more digits, or no space after them) and the scalar path must.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int TryParseHex(ReadOnlySpan<byte> s, ref int i, out ulong value)
    {
        value = 0;
        Vector128<byte> nibbles = HexNibbles(Vector128.LoadUnsafe(ref MemoryMarshal.GetReference(s), (nuint)i), out uint invalid);
        int length = BitOperations.TrailingZeroCount(invalid | 0x10000);
        if (length == 16 || !Ascii.IsBlank(s[i + length]))
        {
            return -1;
        }

        if (length == 0)
        {
            return 0;
        }

        value = CombineNibbles(Ssse3.Shuffle(nibbles, Vector128.LoadUnsafe(ref MemoryMarshal.GetReference(AlignShuffles), (nuint)(length * 16))));
        i += length;
        return 1;
    }

    /// <summary>
    /// Parses hex digits from <paramref name="i"/> to the end of <paramref name="s"/>: the last token of a line, where
    /// fewer than 16 bytes follow its start (a <c>ready</c> line's g pointer). One load of the line's last 16 bytes, in
    /// which the token is already right-aligned. Returns false when the vector path cannot decide (a byte that is not a
    /// hex digit, such as a blank or a <c>0x</c> prefix) and the scalar path must.
    /// </summary>
    /// <param name="s">The line: at least 16 bytes.</param>
    /// <param name="i">The token's start: 1 to 16 bytes before the end.</param>
    /// <param name="value">The value; 0 unless the parse succeeded.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryParseHexToEnd(ReadOnlySpan<byte> s, int i, out ulong value)
    {
        value = 0;
        int start = 16 - (s.Length - i);
        Vector128<byte> nibbles = HexNibbles(Vector128.LoadUnsafe(ref MemoryMarshal.GetReference(s), (nuint)(s.Length - 16)), out uint invalid);
        if ((invalid & (0xFFFFu << start)) != 0)
        {
            return false;
        }

        // Already right-aligned: only the bytes before the token are cleared.
        value = CombineNibbles(nibbles & Vector128.GreaterThanOrEqual(Vector128<byte>.Indices, Vector128.Create((byte)start)));
        return true;
    }

    /// <summary>Each byte's hex digit value (garbage where it is not one), and a bit per byte that is not a hex digit.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> HexNibbles(Vector128<byte> v, out uint invalid)
    {
        Vector128<byte> digits = v - Vector128.Create((byte)'0');
        Vector128<byte> letters = (v | Vector128.Create((byte)0x20)) - Vector128.Create((byte)'a');
        Vector128<byte> isDigit = Vector128.LessThan(digits, Vector128.Create((byte)10));
        Vector128<byte> isLetter = Vector128.LessThan(letters, Vector128.Create((byte)6));
        invalid = ~(isDigit | isLetter).ExtractMostSignificantBits() & 0xFFFF;
        return Vector128.ConditionalSelect(isDigit, digits, letters + Vector128.Create((byte)10));
    }

    /// <summary>The value of 16 right-aligned hex digit values (zeros before a shorter number's first digit).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong CombineNibbles(Vector128<byte> aligned)
    {
        Vector128<short> pairs = Ssse3.MultiplyAddAdjacent(aligned, Vector128.Create(16, 1, 16, 1, 16, 1, 16, 1, 16, 1, 16, 1, 16, 1, 16, (sbyte)1));
        Vector128<byte> packed = Sse2.PackUnsignedSaturate(pairs, pairs);
        return BinaryPrimitives.ReverseEndianness(packed.AsUInt64().ToScalar());
    }

    /// <summary>
    /// Parses unsigned decimal digits at <paramref name="i"/> ended by a blank (space or tab). Returns 1 on success, -1 when the
    /// scalar path must decide (no digit, a sign, 16 or more digits, or no space after them).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int TryParseDecimal(ReadOnlySpan<byte> s, ref int i, out long value)
    {
        value = 0;
        Vector128<byte> v = Vector128.LoadUnsafe(ref MemoryMarshal.GetReference(s), (nuint)i);
        Vector128<byte> digits = v - Vector128.Create((byte)'0');
        uint invalid = ~Vector128.LessThan(digits, Vector128.Create((byte)10)).ExtractMostSignificantBits() & 0xFFFF;
        int length = BitOperations.TrailingZeroCount(invalid | 0x10000);
        if ((uint)(length - 1) >= 15 || !Ascii.IsBlank(s[i + length]))
        {
            return -1;
        }

        Vector128<byte> aligned = Ssse3.Shuffle(digits, Vector128.LoadUnsafe(ref MemoryMarshal.GetReference(AlignShuffles), (nuint)(length * 16)));
        Vector128<short> twos = Ssse3.MultiplyAddAdjacent(aligned, Vector128.Create(10, 1, 10, 1, 10, 1, 10, 1, 10, 1, 10, 1, 10, 1, 10, (sbyte)1));
        Vector128<int> fours = Sse2.MultiplyAddAdjacent(twos, Vector128.Create(100, 1, 100, 1, 100, 1, 100, (short)1));
        Vector128<ushort> packed = Sse41.PackUnsignedSaturate(fours, fours);
        Vector128<int> eights = Sse2.MultiplyAddAdjacent(packed.AsInt16(), Vector128.Create(10000, 1, 10000, 1, 10000, 1, 10000, (short)1));
        value = ((long)eights.GetElement(0) * 100_000_000L) + eights.GetElement(1);
        i += length;
        return 1;
    }
}
