using System.Text;
using GoTraceEngine.Parsing;
using GoTraceEngine.Tests.Infrastructure;

namespace GoTraceEngine.Tests.Parsing;

public sealed class TraceHeaderParserTests
{
    private static string Text(ReadOnlySpan<byte> value) => Encoding.UTF8.GetString(value);

    [Theory]
    [InlineData("# gotrace tracer=bpftrace os=linux arch=amd64 go=go1.22.5 reasons=trace")]
    [InlineData("#\tgotrace\ttracer=bpftrace  os=linux\tarch=amd64 go=go1.22.5   reasons=trace \r")]
    [InlineData("#gotrace reasons=trace go=go1.22.5 arch=amd64 os=linux tracer=bpftrace")]
    [InlineData("  0      1                           :BEGIN # gotrace tracer=bpftrace os=linux arch=amd64 go=go1.22.5 reasons=trace")]
    [InlineData("# gotrace tracer=bpftrace os=linux arch=amd64 go=go1.22.5 reasons=trace future=1 note")]
    public void TryParse_HeaderWithAnyBlanks_GivesEveryValue(string line)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(line);
        Assert.Equal(LineCategory.TraceHeader, TraceLineParser.Parse(bytes, 1, out _, out _));
        Assert.True(TraceHeaderParser.TryParse(bytes, out TraceHeader header));
        Assert.Equal(TraceHeaderKeys.Tracer | TraceHeaderKeys.Os | TraceHeaderKeys.Arch | TraceHeaderKeys.Go | TraceHeaderKeys.Reasons, header.Keys);
        Assert.Equal("bpftrace", Text(header.Tracer));
        Assert.Equal("linux", Text(header.Os));
        Assert.Equal("amd64", Text(header.Arch));
        Assert.Equal("go1.22.5", Text(header.Go));
        Assert.Equal("trace", Text(header.Reasons));
    }

    [Fact]
    public void TryParse_AbsentAndEmptyValues_AreTold()
    {
        Assert.True(TraceHeaderParser.TryParse("# gotrace tracer=dtrace go="u8, out TraceHeader header));
        Assert.True(header.Has(TraceHeaderKeys.Go));
        Assert.True(header.Go.IsEmpty);
        Assert.False(header.Has(TraceHeaderKeys.Reasons));
        Assert.False(header.Has(TraceHeaderKeys.Os));
        Assert.Equal("dtrace", Text(header.Tracer));
    }

    [Fact]
    public void TryParse_RepeatedKey_TheLastOneCounts_AndValuesMayHoldEquals()
    {
        Assert.True(TraceHeaderParser.TryParse("# gotrace go=1.19 go=1.22 tracer=a=b"u8, out TraceHeader header));
        Assert.Equal("1.22", Text(header.Go));
        Assert.Equal("a=b", Text(header.Tracer));
    }

    [Theory]
    [InlineData("# gotrace wrapper main.f.gowrap1 main.g")]
    [InlineData("# gotrace site 0x1 main.f a.go:1")]
    [InlineData("# exit code=0")]
    [InlineData("# gotrace")]
    [InlineData("gopark: goroutine=c000 reason=6 go=1.22")]
    [InlineData("")]
    public void TryParse_OtherLines_AreNoHeader(string line)
    {
        Assert.False(TraceHeaderParser.TryParse(Encoding.UTF8.GetBytes(line), out TraceHeader header));
        Assert.Equal(TraceHeaderKeys.None, header.Keys);
    }

    [Fact]
    public void TryParse_Header_DoesNotAllocate()
    {
        byte[] line = "# gotrace tracer=bpftrace os=linux arch=amd64 go=go1.22.5 reasons=trace"u8.ToArray();
        int length = 0;
        Allocations.Measure(20, call => length += TraceHeaderParser.TryParse(line, out TraceHeader h) ? h.Go.Length : 0).AssertNone(20);
        Assert.True(length > 0);
    }
}
