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

    /// <summary>A full-format create record (without its newline): <c>newproc1: ts= goroutine= parent= goid= fn= creator=</c>.</summary>
    public static void FullCreate(Span<byte> s, ref int p, long ts, ulong g, ulong parent, long goId, ReadOnlySpan<byte> function, ReadOnlySpan<byte> creator)
    {
        Put(s, ref p, Keywords.Create);
        Key(s, ref p, Keywords.Timestamp);
        Dec(s, ref p, ts);
        Key(s, ref p, Keywords.Goroutine);
        Hex(s, ref p, g);
        Key(s, ref p, Keywords.Parent);
        Dec(s, ref p, (long)parent);
        Key(s, ref p, Keywords.GoId);
        Dec(s, ref p, goId);
        Key(s, ref p, Keywords.StartFunction);
        Put(s, ref p, function);
        Key(s, ref p, Keywords.Creator);
        Put(s, ref p, creator);
    }

    /// <summary>A full-format park record (without its newline): <c>gopark: ts= goroutine= reason= wait= obj=</c>.</summary>
    public static void FullPark(Span<byte> s, ref int p, long ts, ulong g, byte reason, byte wait, ulong obj)
    {
        Put(s, ref p, Keywords.Park);
        Key(s, ref p, Keywords.Timestamp);
        Dec(s, ref p, ts);
        Key(s, ref p, Keywords.Goroutine);
        Hex(s, ref p, g);
        Key(s, ref p, Keywords.Reason);
        Dec(s, ref p, reason);
        Key(s, ref p, Keywords.WaitReason);
        Dec(s, ref p, wait);
        Key(s, ref p, Keywords.WaitObject);
        Hex(s, ref p, obj);
    }

    /// <summary>A full-format ready or destroy record (without its newline): <c>keyword ts= goroutine=</c>.</summary>
    public static void FullSimple(Span<byte> s, ref int p, ReadOnlySpan<byte> keyword, long ts, ulong g)
    {
        Put(s, ref p, keyword);
        Key(s, ref p, Keywords.Timestamp);
        Dec(s, ref p, ts);
        Key(s, ref p, Keywords.Goroutine);
        Hex(s, ref p, g);
    }

    /// <summary>A full-format record of a keyword and its timestamp alone (tick, end).</summary>
    public static void FullTimestamped(Span<byte> s, ref int p, ReadOnlySpan<byte> keyword, long ts)
    {
        Put(s, ref p, keyword);
        Key(s, ref p, Keywords.Timestamp);
        Dec(s, ref p, ts);
    }
}
