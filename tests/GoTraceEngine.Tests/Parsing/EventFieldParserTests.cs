using System.Text;
using GoTraceEngine.Parsing;
using GoTraceEngine.Tests.Infrastructure;

namespace GoTraceEngine.Tests.Parsing;

public sealed class EventFieldParserTests
{
    [Theory]
    [InlineData("newproc1: ts=5 goroutine=c0000a04e0 parent=0xc0000061a0 goid=20 gopc=0x49b04b fn=main.startPool.gowrap1 creator=main.startPool")]
    [InlineData("newproc1: ts=5 goroutine=c0000a04e0 goid=20 fn=main.startPool.gowrap1 gopc=49b04b")]
    [InlineData("newproc1: gopc=0X49B04B\tgoroutine=c0000a04e0")]
    [InlineData("  3  80134          runtime.newproc1:return newproc1: goroutine=c0000a04e0 gopc=0x49b04b\r")]
    public void Parse_CreateWithGopc_CarriesTheCreatorPc(string line)
    {
        Assert.Equal(LineCategory.Event, TraceLineParser.Parse(Encoding.UTF8.GetBytes(line), 1, new NameTable(), out TraceEvent e, out ParseFailure why));
        Assert.Equal(ParseFailure.None, why);
        Assert.Equal(TraceEventKind.Create, e.Kind);
        Assert.True(e.Has(TraceEventFields.CreatorPc));
        Assert.Equal(0x49b04bUL, e.CreatorPc);
        Assert.Equal(0xc0000a04e0UL, e.GPointer);
    }

    [Theory]
    [InlineData("newproc1: goroutine=c000 gopc=zz goid=1")]
    [InlineData("newproc1: goroutine=c000 gopc=0x goid=1")]
    [InlineData("newproc1: goroutine=c000 gopc=11112222333344445")]
    [InlineData("newproc1: goroutine=c000 gopc=-1")]
    public void Parse_BadGopc_KeepsTheEventWithoutIt(string line)
    {
        Assert.Equal(LineCategory.Event, TraceLineParser.Parse(Encoding.UTF8.GetBytes(line), 1, out TraceEvent e, out ParseFailure why));
        Assert.Equal(ParseFailure.BadCreatorPc, why);
        Assert.False(e.Has(TraceEventFields.CreatorPc));
        Assert.Equal(0UL, e.CreatorPc);
        Assert.Equal("gopc= is not a hex pc", ParseFailureText.Describe(why));
    }

    [Fact]
    public void Parse_WithoutGopc_HasNoCreatorPc()
    {
        Assert.Equal(LineCategory.Event, TraceLineParser.Parse("newproc1: goroutine=c000 goid=1"u8, 1, out TraceEvent e, out _));
        Assert.False(e.Has(TraceEventFields.CreatorPc));
        Assert.Equal(0UL, e.CreatorPc);
    }

    [Theory]
    [InlineData("gopark: goroutine=c000 reason=2 blocked=1 wait=7 ts=40 blocked=x wait=y ts=z")]
    [InlineData("gopark: goroutine=c000 reason=2 blocked=1 wait=7 ts=40 blocked=-- wait=999999999999999999999 ts=4x")]
    public void Parse_KeyRepeatedWithAnUnreadableValue_KeepsTheValueReadFirst(string line)
    {
        // A repeated key whose second value cannot be read is dropped: the first value stands, with a diagnostic.
        Assert.Equal(LineCategory.Event, TraceLineParser.Parse(Encoding.UTF8.GetBytes(line), 1, out TraceEvent e, out ParseFailure why));
        Assert.Equal(ParseFailure.BadBlocked, why);
        Assert.True(e.Has(TraceEventFields.ScriptBlocked | TraceEventFields.WaitReason | TraceEventFields.Timestamp));
        Assert.True(e.ScriptBlocked);
        Assert.Equal(7, e.WaitReason);
        Assert.Equal(40, e.Timestamp);
        Assert.Equal(2, e.Reason);
        Assert.Equal(1, e.LineNumber);
    }

    [Fact]
    public void Parse_BadReasonAndAnotherBadField_ReportsTheOtherFieldFirst()
    {
        // A bad reason= is reported only when nothing else was dropped: on a park it makes the line malformed instead.
        Assert.Equal(LineCategory.Event, TraceLineParser.Parse("ready: reason=zz goroutine=c000 goid=x"u8, 1, out _, out ParseFailure why));
        Assert.Equal(ParseFailure.BadGoId, why);
        Assert.Equal(LineCategory.Malformed, TraceLineParser.Parse("gopark: goid=x reason=zz goroutine=c000"u8, 1, out _, out why));
        Assert.Equal(ParseFailure.BadReason, why);
    }

    [Fact]
    public void Parse_ValueThatCannotBeRead_LeavesTheFieldZero()
    {
        // TraceEvent's contract: a value is 0 unless Fields says it was printed, even when a bad value began with digits.
        Assert.Equal(LineCategory.Event, TraceLineParser.Parse("newproc1: goroutine=c000 count=958,blocked_count=0 obj=18446744073709551615"u8, 1, out TraceEvent e, out _));
        Assert.False(e.Has(TraceEventFields.ScriptCount));
        Assert.Equal(0, e.ScriptCount);
        Assert.False(e.Has(TraceEventFields.WaitObject));
        Assert.Equal(0UL, e.WaitObject);
    }

    [Fact]
    public void Parse_FullCreateWithGopc_DoesNotAllocate()
    {
        var names = new NameTable();
        byte[] line = "newproc1: ts=1800000000 goroutine=c0000a04e0 parent=824633749504 goid=20 gopc=0x49b04b fn=main.startPool.gowrap1 creator=main.startPool"u8.ToArray();
        TraceLineParser.Parse(line, 1, names, out _, out _);
        TraceEvent e = default;
        Allocations.Measure(20, i => TraceLineParser.Parse(line, 2 + i, names, out e, out _)).AssertNone(20);
        Assert.Equal(0x49b04bUL, e.CreatorPc);
    }
}
