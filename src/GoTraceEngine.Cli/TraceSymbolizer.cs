using System.Buffers;
using System.Globalization;
using System.Text;

namespace GoTraceEngine.Cli;

/// <summary>
/// Names the raw pcs of create lines (and of parks that name their goroutine, in an attach) as the tracer's symboliser would have: <c>fn=0x4826c0</c> becomes
/// <c>fn=main.main.gowrap2</c> and <c>creator=0x482514</c> <c>creator=main.main</c> (the ELF symbol holding the pc,
/// as bpftrace's <c>usym</c> prints it, but with a generic function's type arguments as <c>[...]</c>, as Go's tracebacks
/// print them: a struct shape's blanks never split the line). Everything else passes through byte for byte. Used by
/// <c>gotrace trace</c>, whose script prints raw pcs (see <see cref="ScriptCatalog.Render"/>). Single-threaded; names are cached per pc.
/// </summary>
internal sealed class TraceSymbolizer(GoSymbols names)
{
    private static ReadOnlySpan<byte> CreatePrefix => "newproc1: "u8;

    /// <summary>Parks name their goroutine too when the script was rendered for an attach.</summary>
    private static ReadOnlySpan<byte> ParkPrefix => "gopark: "u8;

    private readonly ArrayBufferWriter<byte> _pending = new();
    private readonly ArrayBufferWriter<byte> _out = new();
    private readonly Dictionary<ulong, byte[]> _names = [];

    /// <summary>Passes on the complete lines of <paramref name="chunk"/> (with what was held back before it), named; holds back a partial last line.</summary>
    public void Process(ReadOnlySpan<byte> chunk, Action<ReadOnlySpan<byte>> sink)
    {
        int lastNewline = chunk.LastIndexOf((byte)'\n');
        if (lastNewline < 0)
        {
            _pending.Write(chunk);
            return;
        }

        _out.ResetWrittenCount();
        if (_pending.WrittenCount > 0)
        {
            _pending.Write(chunk[..(lastNewline + 1)]);
            Rewrite(_pending.WrittenSpan);
            _pending.ResetWrittenCount();
        }
        else
        {
            Rewrite(chunk[..(lastNewline + 1)]);
        }

        _pending.Write(chunk[(lastNewline + 1)..]);
        sink(_out.WrittenSpan);
    }

    /// <summary>Passes on a last line that had no newline.</summary>
    public void Flush(Action<ReadOnlySpan<byte>> sink)
    {
        if (_pending.WrittenCount == 0)
        {
            return;
        }

        _out.ResetWrittenCount();
        Rewrite(_pending.WrittenSpan);
        _pending.ResetWrittenCount();
        sink(_out.WrittenSpan);
    }

    private void Rewrite(ReadOnlySpan<byte> lines)
    {
        while (!lines.IsEmpty)
        {
            int end = lines.IndexOf((byte)'\n');
            ReadOnlySpan<byte> line = end < 0 ? lines : lines[..(end + 1)];
            lines = end < 0 ? [] : lines[(end + 1)..];
            if (line.StartsWith(CreatePrefix) || (line.StartsWith(ParkPrefix) && line.IndexOf(" fn=0x"u8) >= 0))
            {
                RewriteNamed(line);
            }
            else
            {
                _out.Write(line);
            }
        }
    }

    /// <summary>Copies a create (or naming park) line, replacing the values of <c>fn=0x…</c> and <c>creator=0x…</c> with names.</summary>
    private void RewriteNamed(ReadOnlySpan<byte> line)
    {
        while (!line.IsEmpty)
        {
            int space = line.IndexOf((byte)' ');
            ReadOnlySpan<byte> token = space < 0 ? line : line[..(space + 1)];
            line = space < 0 ? [] : line[(space + 1)..];
            if (token.StartsWith("fn=0x"u8))
            {
                WriteNamed(token, 3);
            }
            else if (token.StartsWith("creator=0x"u8))
            {
                WriteNamed(token, 8);
            }
            else
            {
                _out.Write(token);
            }
        }
    }

    private void WriteNamed(ReadOnlySpan<byte> token, int keyLength)
    {
        ReadOnlySpan<byte> value = token[keyLength..];
        int trimmed = value.IndexOfAny((byte)' ', (byte)'\r', (byte)'\n');
        ReadOnlySpan<byte> hex = trimmed < 0 ? value[2..] : value[2..trimmed];
        if (!ulong.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong pc))
        {
            _out.Write(token);
            return;
        }

        if (!_names.TryGetValue(pc, out byte[]? name))
        {
            // An address no function holds stays as the tracer printed it.
            name = names.SymbolAt(pc) is { } symbol ? Encoding.UTF8.GetBytes(GoSymbols.PrintName(symbol)) : [.. value[..(trimmed < 0 ? value.Length : trimmed)]];
            _names.Add(pc, name);
        }

        _out.Write(token[..keyLength]);
        _out.Write(name);
        if (trimmed >= 0)
        {
            _out.Write(value[trimmed..]);
        }
    }
}
