using System.Buffers;
using System.Buffers.Text;
using System.Runtime.CompilerServices;
using GoTraceEngine.Parsing;

namespace GoTraceEngine.Generation;

/// <summary>
/// Writes the pieces of a trace line into a byte buffer with the parser's own words (<see cref="Keywords"/>), so a
/// generated trace says exactly what the parser reads. Nothing allocates.
/// </summary>
internal static class TraceText
{
    private static readonly StandardFormat s_hex = new('x');

    /// <summary>The header the generator's full-format traces start with: the bundled scripts' shape, naming <c>gen</c> as the tracer.</summary>
    public static byte[] GenHeader { get; } =
    [
        .. "# "u8, .. Keywords.Gotrace, .. " "u8,
        .. Keywords.Tracer, .. "gen "u8,
        .. Keywords.Os, .. "linux "u8,
        .. Keywords.Arch, .. "amd64 "u8,
        .. Keywords.Go, .. "go1.22 "u8,
        .. Keywords.Reasons, .. "trace\n"u8,
    ];

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Put(Span<byte> s, ref int p, ReadOnlySpan<byte> text)
    {
        text.CopyTo(s[p..]);
        p += text.Length;
    }

    /// <summary>A field's key after the blank that separates it from what came before: <c> key=</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Key(Span<byte> s, ref int p, ReadOnlySpan<byte> key)
    {
        s[p++] = (byte)' ';
        Put(s, ref p, key);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Dec(Span<byte> s, ref int p, long value)
    {
        Utf8Formatter.TryFormat(value, s[p..], out int written);
        p += written;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Hex(Span<byte> s, ref int p, ulong value)
    {
        Utf8Formatter.TryFormat(value, s[p..], out int written, s_hex);
        p += written;
    }
}
