using System.Collections.Concurrent;
using System.Text;
using Spectre.Console;

namespace GoTraceEngine.Cli;

/// <summary>
/// Text that would otherwise be written across the live table (the traced program's output, bpftrace's messages),
/// kept as whole lines for the dashboard to print above the table at its next refresh.
/// </summary>
/// <remarks>
/// Each stream's sink is written on one thread (the tracer's tail) and the lines are taken on the dashboard's; a
/// stream's unfinished last line waits for its newline, or for <see cref="Flush"/> once the stream has ended.
/// </remarks>
internal sealed class WatchLog
{
    /// <summary>ANSI EL 2: erases the cursor's row.</summary>
    private const string EraseLine = "\u001b[2K";

    private readonly ConcurrentQueue<string> _lines = new();
    private readonly List<StringBuilder> _partials = [];

    /// <summary>A sink for one stream of UTF-8 output: its complete lines join the log.</summary>
    public Action<ReadOnlySpan<byte>> Stream()
    {
        Decoder decoder = new UTF8Encoding(false).GetDecoder();
        var partial = new StringBuilder();
        _partials.Add(partial);
        return bytes =>
        {
            char[] chars = new char[decoder.GetCharCount(bytes, flush: false)];
            int count = decoder.GetChars(bytes, chars, flush: false);
            int start = 0;
            for (int i = 0; i < count; i++)
            {
                if (chars[i] == '\n')
                {
                    _lines.Enqueue(partial.Append(chars, start, i - start).ToString().TrimEnd('\r'));
                    partial.Clear();
                    start = i + 1;
                }
            }

            partial.Append(chars, start, count - start);
        };
    }

    /// <summary>Adds one whole line.</summary>
    public void WriteLine(string line) => _lines.Enqueue(line);

    /// <summary>Adds every stream's unfinished last line; call when the streams have ended.</summary>
    public void Flush()
    {
        foreach (StringBuilder partial in _partials)
        {
            if (partial.Length > 0)
            {
                _lines.Enqueue(partial.ToString());
                partial.Clear();
            }
        }
    }

    /// <summary>
    /// Writes the lines logged since the last call to <paramref name="console"/>: during a live display, above the
    /// table, in one write (the table is redrawn once). On an ANSI terminal each line is written as it came (its own
    /// colours kept) after erasing the row: the table moves the cursor up without erasing, and a short line would
    /// leave the rest of a table row beside it.
    /// </summary>
    public void WriteTo(IAnsiConsole console)
    {
        bool ansi = console.Profile.Capabilities.Ansi;
        var text = new StringBuilder();
        while (_lines.TryDequeue(out string? line))
        {
            if (ansi)
            {
                text.Append(EraseLine).Append(line).Append('\n');
            }
            else
            {
                console.WriteLine(line);
            }
        }

        if (text.Length > 0)
        {
            console.WriteAnsi(text.ToString());
        }
    }
}
