using System.Text;
using System.Text.Json;
using GoTraceEngine.Generation;
using GoTraceEngine.Reporting;
using GoTraceEngine.Tests.Infrastructure;
using static System.FormattableString;

namespace GoTraceEngine.Tests.Reporting;

public sealed class ReportJsonTests
{
    private static JsonElement LeakyJson()
    {
        var engine = new TraceEngine();
        engine.ReplayFile(Fixtures.PathOf("leaky-noisy.dtrace.txt"));
        return JsonDocument.Parse(ReportWriter.ToJson(engine.GetSummary())).RootElement;
    }

    [Fact]
    public void ToJson_ContractFields_HaveTheirDocumentedNamesAndShapes()
    {
        JsonElement root = LeakyJson();
        Assert.Equal(35, root.GetProperty("lines").GetProperty("total").GetInt64());
        Assert.Equal(7, root.GetProperty("lines").GetProperty("events").GetInt64());
        Assert.Equal(28, root.GetProperty("lines").GetProperty("skipped").GetInt64());
        Assert.Equal(1, root.GetProperty("lines").GetProperty("skippedByCategory").GetProperty("dataLoss").GetInt64());
        Assert.Equal(3, root.GetProperty("live").GetInt32());
        Assert.Equal(3, root.GetProperty("blocked").GetInt32());
        Assert.Equal(3, root.GetProperty("blockedByReason").GetProperty("chan send").GetInt64());

        JsonElement leak = root.GetProperty("leaks")[0];
        Assert.Equal("0x140000036c0", leak.GetProperty("g").GetString());
        Assert.Equal(6, leak.GetProperty("reasonCode").GetInt32());
        Assert.Equal("chan send", leak.GetProperty("reason").GetString());
        Assert.Equal("0x140000021c0", leak.GetProperty("parent").GetString());
        Assert.Equal(17, leak.GetProperty("line").GetInt64());

        Assert.Equal(0, root.GetProperty("anomalies").GetProperty("total").GetInt64());
        Assert.Equal("dataLoss", root.GetProperty("warnings")[0].GetProperty("kind").GetString());
        Assert.Equal(11, root.GetProperty("warnings")[0].GetProperty("line").GetInt64());

        JsonElement script = root.GetProperty("scriptCounters");
        Assert.True(script.GetProperty("present").GetBoolean());
        Assert.Equal(3, script.GetProperty("count").GetInt64());
        Assert.Equal(3, script.GetProperty("blockedCount").GetInt64());
        Assert.True(script.GetProperty("agree").GetBoolean());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(1000)]
    [InlineData(64 * 1024)]
    public void WriteJson_ToATextWriter_IsToJsonsTextInPiecesOfAnySize(int pieceBytes)
    {
        // A report of a few hundred kilobytes whose names hold characters of two and three UTF-8 bytes (a four-byte one
        // is escaped), written in pieces of every size from one byte to the default.
        using var generated = new MemoryStream();
        new TraceGenerator(new TraceGeneratorOptions { Seed = 21, Format = TraceFormat.Full, Events = 40_000, Live = 3000, Leaks = 400 }).Write(generated);
        var trace = new StringBuilder(Encoding.UTF8.GetString(generated.ToArray()));
        long ts = 900_000_000_000;
        for (int i = 0; i < 200; i++)
        {
            trace.Append(Invariant($"newproc1: ts={ts += 1000} goroutine={0xe000000000UL + ((ulong)i << 10):x} parent=1 goid={i + 500_000} fn=main.Café{i % 3}.€run.func😀 creator=main.ñ\n"));
            trace.Append(Invariant($"gopark: ts={ts += 1000} goroutine={0xe000000000UL + ((ulong)i << 10):x} reason=7 wait=14 obj=c000100000\n"));
        }

        var engine = new TraceEngine();
        engine.Replay(new MemoryStream(Encoding.UTF8.GetBytes(trace.ToString())));
        TraceSummary summary = engine.GetSummary();
        string expected = ReportWriter.ToJson(summary);
        Assert.Contains("main.Café1.€run.func\\uD83D\\uDE00", expected, StringComparison.Ordinal);
        Assert.True(Encoding.UTF8.GetByteCount(expected) > 2 * 64 * 1024, Invariant($"{expected.Length} characters"));

        // Written as it is made: in pieces no longer than the buffer (a JSON writer asks for 4 KiB at a time at least).
        var writer = new CountingWriter();
        if (pieceBytes == TextBufferWriter.DefaultSize)
        {
            ReportWriter.WriteJson(summary, writer);
        }
        else
        {
            ReportWriter.WriteJson(summary, writer, pieceBytes);
        }

        Assert.Equal(expected, writer.Text.ToString());
        int bound = (int)Math.Max(System.Numerics.BitOperations.RoundUpToPowerOf2((uint)pieceBytes), 4096);
        Assert.True(writer.Longest <= bound, Invariant($"a write of {writer.Longest} characters, more than {bound}"));
        Assert.True(writer.Writes >= expected.Length / bound, Invariant($"{writer.Writes} writes of {expected.Length} characters"));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(16)]
    [InlineData(64)]
    public void TextBufferWriter_CharactersCutBetweenPieces_AreDecodedWhole(int size)
    {
        // Written a byte at a time, so pieces end anywhere: inside characters of two, three and four bytes. With pieces
        // of 16, the second starts with the last byte of a four-byte character (two UTF-16 units) and holds 15 more
        // characters: 17 units from 16 bytes.
        string text = new string('a', 13) + "😀" + new string('b', 15) + string.Concat(Enumerable.Repeat("é€😀z", 40));
        var writer = new StringWriter();
        using (var output = new TextBufferWriter(writer, size))
        {
            foreach (byte b in Encoding.UTF8.GetBytes(text))
            {
                output.GetSpan(1)[0] = b;
                output.Advance(1);
            }

            output.Complete();
        }

        Assert.Equal(text, writer.ToString());
    }

    [Fact]
    public void FromJson_OfToJson_RoundTrips()
    {
        var engine = new TraceEngine();
        engine.ReplayFile(Fixtures.PathOf("leaky.dtrace.txt"));
        string json = ReportWriter.ToJson(engine.GetSummary());
        TraceSummary back = ReportWriter.FromJson(json);
        Assert.Equal(json, ReportWriter.ToJson(back));
        Assert.Equal(0x14000003880UL, back.Leaks[2].G);
    }

    /// <summary>Counts the writes it gets and their longest.</summary>
    private sealed class CountingWriter : TextWriter
    {
        public StringBuilder Text { get; } = new();

        public int Writes { get; private set; }

        public int Longest { get; private set; }

        public override Encoding Encoding => Encoding.UTF8;

        public override void Write(char value) => Write([value], 0, 1);

        public override void Write(char[] buffer, int index, int count)
        {
            Writes++;
            Longest = Math.Max(Longest, count);
            Text.Append(buffer, index, count);
        }
    }
}
