using System.Text;
using Spectre.Console;

namespace GoTraceEngine.Cli.Tests;

/// <summary>The lines <c>gotrace trace --watch</c> prints above its live table.</summary>
public sealed class WatchLogTests
{
    [Theory]
    [InlineData(false, "out 1\nerr é\nout 2\nbpftrace: message\nlast\n")]
    [InlineData(true, "\u001b[2Kout 1\n\u001b[2Kerr é\n\u001b[2Kout 2\n\u001b[2Kbpftrace: message\n\u001b[2Klast\n")]
    public void WriteTo_ChunksCutAnywhere_WholeLinesInOrder_TheUnfinishedOneAfterFlush(bool ansi, string expected)
    {
        var log = new WatchLog();
        Action<ReadOnlySpan<byte>> stdout = log.Stream(), stderr = log.Stream();
        byte[] err = Encoding.UTF8.GetBytes("err é\n");
        stdout("out 1\nou"u8);
        stderr(err.AsSpan(0, 5)); // "é" cut between its two bytes
        stderr(err.AsSpan(5));
        stdout("t 2\r\n"u8);
        log.WriteLine("bpftrace: message");
        stdout("last"u8);
        var text = new StringWriter { NewLine = "\n" };
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = ansi ? AnsiSupport.Yes : AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Out = new AnsiConsoleOutput(text),
        });

        log.WriteTo(console);
        log.Flush();
        log.WriteTo(console);
        Assert.Equal(expected, text.ToString().Replace("\r\n", "\n", StringComparison.Ordinal));
    }
}
