using System.Text;

namespace GoTraceEngine.Cli.Tests;

/// <summary>The raw pcs of <c>gotrace trace</c>'s create lines (and an attach's parks) are named as bpftrace's usym would, whatever the chunking.</summary>
public sealed class TraceSymbolizerTests
{
    [Fact]
    public void CreateLinesAndNamingParks_AreNamed_OtherLinesPassUntouched_InAnyChunking()
    {
        string version = GoFixtures.Versions.LastOrDefault(v => File.Exists(GoFixtures.Toolchain(v))) ?? GoFixtures.Versions[^1];
        string binary = GoFixtures.Build(version, "worker-pool");
        GoSymbols names = GoSymbols.Read(binary, out string? error) ?? throw new InvalidOperationException(error);
        ElfImage elf = ElfImage.Read(File.ReadAllBytes(binary), out _)!;
        ulong worker = elf.Symbol("main.worker")!.Value;
        ulong startPool = elf.Symbol("main.startPool")!.Value;
        string input =
            "# gotrace tracer=bpftrace os=linux arch=amd64 go=1.22 reasons=trace\n" +
            $"newproc1: ts=1 goroutine=c000007680 parent=0xc000007000 goid=21 gopc=0x{startPool + 0x2b:x} fn=0x{worker:x} creator=0x{startPool + 0x2b:x}\n" +
            "gopark: ts=2 goroutine=c000007680 reason=7 wait=14 obj=c0000200c0\r\n" +
            "newproc1: ts=3 goroutine=c000007820 parent=0xc000007000 goid=22 gopc=0x10 fn=0x10 creator=0x10\n" +
            $"gopark: ts=4 goroutine=c000009000 reason=7 wait=14 obj=c0000200c0 goid=9 gopc=0x{startPool + 0x2b:x} fn=0x{worker:x} creator=0x{startPool + 0x2b:x}\n" +
            "END: ts=4";
        string expected =
            "# gotrace tracer=bpftrace os=linux arch=amd64 go=1.22 reasons=trace\n" +
            $"newproc1: ts=1 goroutine=c000007680 parent=0xc000007000 goid=21 gopc=0x{startPool + 0x2b:x} fn=main.worker creator=main.startPool\n" +
            "gopark: ts=2 goroutine=c000007680 reason=7 wait=14 obj=c0000200c0\r\n" +
            "newproc1: ts=3 goroutine=c000007820 parent=0xc000007000 goid=22 gopc=0x10 fn=0x10 creator=0x10\n" +
            $"gopark: ts=4 goroutine=c000009000 reason=7 wait=14 obj=c0000200c0 goid=9 gopc=0x{startPool + 0x2b:x} fn=main.worker creator=main.startPool\n" +
            "END: ts=4";
        byte[] bytes = Encoding.UTF8.GetBytes(input);
        foreach (int size in new[] { bytes.Length, 1, 7, 64 })
        {
            var symbolizer = new TraceSymbolizer(names);
            var output = new MemoryStream();
            for (int at = 0; at < bytes.Length; at += size)
            {
                symbolizer.Process(bytes.AsSpan(at, Math.Min(size, bytes.Length - at)), s => output.Write(s));
            }

            symbolizer.Flush(s => output.Write(s));
            Assert.Equal(expected, Encoding.UTF8.GetString(output.ToArray()));
        }
    }
}
