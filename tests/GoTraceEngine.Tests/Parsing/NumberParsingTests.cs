using System.Globalization;
using System.Text;
using GoTraceEngine.Parsing;

namespace GoTraceEngine.Tests.Parsing;

/// <summary>The vector and scalar number paths must agree: every length, both followed by more fields (vector) and at the line's end (scalar).</summary>
public sealed class NumberParsingTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Parse_RandomPointersAndNumbers_MatchTheirValues(int seed)
    {
        var random = new Random(seed);
        for (int n = 0; n < 20_000; n++)
        {
            int hexDigits = random.Next(1, 17);
            ulong g = 0;
            for (int d = 0; d < hexDigits; d++)
            {
                g = (g << 4) | (uint)random.Next(16);
            }

            g = g == 0 ? 1 : g;
            long parent = random.Next(4) switch
            {
                0 => random.Next(10),
                1 => random.NextInt64(1L << 40),
                2 => random.NextInt64(long.MaxValue),
                _ => -random.NextInt64(1L << 50),
            };
            string hex = g.ToString(random.Next(2) == 0 ? "x" : "X", CultureInfo.InvariantCulture);
            string prefix = random.Next(5) == 0 ? "0x" : string.Empty;
            string line = random.Next(2) == 0
                ? $"newproc1: goroutine={prefix}{hex} parent={parent.ToString(CultureInfo.InvariantCulture)} count=1 blocked_count=0"
                : $"newproc1: parent={parent.ToString(CultureInfo.InvariantCulture)} goroutine={prefix}{hex}";
            Assert.Equal(LineCategory.Event, TraceLineParser.Parse(Encoding.ASCII.GetBytes(line), 1, out TraceEvent e, out _));
            Assert.Equal(g, e.GPointer);
            Assert.Equal((ulong)parent, e.Parent);
        }
    }

    [Theory]
    [InlineData("newproc1: goroutine=c00001000g parent=1 count=1 blocked_count=0")]
    [InlineData("newproc1: goroutine=c000:10000 parent=1 count=1 blocked_count=0")]
    [InlineData("newproc1: goroutine=11112222333344445 parent=1 count=1 blocked_count=0")]
    public void Parse_BadPointerFollowedByMoreFields_IsMalformed(string line)
    {
        Assert.Equal(LineCategory.Malformed, TraceLineParser.Parse(Encoding.ASCII.GetBytes(line), 1, out _, out _));
    }

    [Theory]
    [InlineData("newproc1: goroutine=c000010000 parent=12a4 count=1 blocked_count=0")]
    [InlineData("newproc1: goroutine=c000010000 parent=1234567890123456789012 count=1 blocked_count=0")]
    public void Parse_BadOptionalNumberFollowedByMoreFields_DropsOnlyThatField(string line)
    {
        Assert.Equal(LineCategory.Event, TraceLineParser.Parse(Encoding.ASCII.GetBytes(line), 1, out TraceEvent e, out ParseFailure why));
        Assert.Equal(ParseFailure.BadParent, why);
        Assert.False(e.Has(TraceEventFields.Parent));
        Assert.Equal(1, e.ScriptCount);
        Assert.Equal(0, e.ScriptBlockedCount);
    }

    [Fact]
    public void Parse_SixteenDigitPointerFollowedByFields_Parses()
    {
        Assert.Equal(LineCategory.Event, TraceLineParser.Parse("gopark: goroutine=ffffffffffffffff reason=6 blocked_count=1"u8, 1, out TraceEvent e, out _));
        Assert.Equal(ulong.MaxValue, e.GPointer);
    }
}
